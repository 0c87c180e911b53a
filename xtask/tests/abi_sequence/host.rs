//! The host's own memory inside the module: `cortex_alloc` blocks with a copy of what each should
//! hold, the node ids and texts it keeps, and how a call's region choices become numbers.

use proptest::sample::Index;
use proptest::test_runner::TestCaseError;
use xtask::runtime::cortex_abi::{CortexAbi, Filter, NodeRecord};

use super::calls::{BadRegion, Freeing, Input, Output};
use super::ensure;

/// The node ids the host keeps.
const NODES: [[u8; 32]; 3] = [[1; 32], [2; 32], [0xee; 32]];

/// The texts the host keeps: kinds, labels and relations.
const TEXTS: [&[u8]; 3] = [b"note", b"tick", b"next"];

/// Room for a last-error message.
const SCRATCH: i32 = 512;

/// Output written by a call that succeeded: which block, from which offset, how many bytes.
pub type Written = Option<(usize, usize, usize)>;

/// A `cortex_alloc` block the host owns, and what it last put there (or was told was written).
#[derive(Debug)]
struct Block {
    ptr: i32,
    expected: Vec<u8>,
}

impl Block {
    fn len(&self) -> i32 {
        self.expected.len() as i32
    }
}

#[derive(Debug)]
pub struct Host {
    /// Blocks random calls read, write, overwrite and free.
    blocks: Vec<Block>,
    freed: Vec<(i32, i32)>,
    /// Blocks holding the node ids and texts calls pick from; never freed or written.
    nodes: Vec<i32>,
    texts: Vec<i32>,
    /// Where last-error messages are read; never handed to a random call.
    scratch: i32,
}

impl Host {
    /// Blocks holding node ids, kinds, a label, a payload, text that is not UTF-8, and room
    /// for output.
    pub fn new(abi: &mut CortexAbi) -> Host {
        let mut put = |bytes: &[u8]| abi.put(bytes).unwrap();
        // Whole records too, so the record-reading calls succeed as well as refuse.
        let every_event = Filter::default().encode();
        let notes = Filter::kinds(&["note"]).encode();
        let node = NodeRecord {
            id: [2; 32],
            label: "label".into(),
            properties: vec![("k".into(), "v".into())],
            ..NodeRecord::default()
        }
        .encode();
        let contents: [&[u8]; 12] = [
            &[1; 32],
            &[2; 32],
            &[3; 32],
            b"note",
            b"tick",
            b"label",
            &[0x5a; 100],
            &[0xff, 0xfe],
            &[0; 1 << 16],
            &every_event,
            &notes,
            &node,
        ];
        let blocks = contents.map(|bytes| Block {
            ptr: put(bytes),
            expected: bytes.to_vec(),
        });
        Host {
            blocks: blocks.into(),
            freed: Vec::new(),
            nodes: NODES.iter().map(|id| put(id)).collect(),
            texts: TEXTS.iter().map(|text| put(text)).collect(),
            scratch: put(&[0; SCRATCH as usize]),
        }
    }

    fn block(&self, at: &Index) -> Option<&Block> {
        (!self.blocks.is_empty()).then(|| &self.blocks[at.index(self.blocks.len())])
    }

    /// The (ptr, len) of a region the ABI must refuse, judged against memory as the call will
    /// find it (the ABI checks every region before a copy can grow memory).
    fn bad(abi: &CortexAbi, region: BadRegion) -> (i32, i32) {
        let end = abi.memory_len() as i64;
        match region {
            BadRegion::Null(len) => (0, len),
            BadRegion::NegativeLength(len) => (8, len),
            BadRegion::PastEnd(over) => ((end - 16) as i32, 16 + i32::from(over)),
            BadRegion::StartsPastEnd(at) => ((end + i64::from(at % (1 << 30))) as u32 as i32, 1),
            BadRegion::Overflowing => (-8, 16),
            BadRegion::AtTheTop => (u32::MAX as i32, 1),
        }
    }

    /// The (ptr, len) an input stands for, and the bytes from ptr on that are the host's own.
    pub fn input(&self, abi: &CortexAbi, input: &Input) -> ((i32, i32), Option<Vec<u8>>) {
        match input {
            Input::Node(at) => {
                let at = at.index(NODES.len());
                ((self.nodes[at], 32), Some(NODES[at].to_vec()))
            }
            Input::Text(at) => {
                let at = at.index(TEXTS.len());
                let text = TEXTS[at];
                ((self.texts[at], text.len() as i32), Some(text.to_vec()))
            }
            Input::Start(b) => match self.block(b) {
                Some(b) => ((b.ptr, b.len()), Some(b.expected.clone())),
                None => ((0, 0), Some(Vec::new())),
            },
            Input::Within(b, at, extra) => match self.block(b) {
                Some(b) => {
                    let at = at.index(b.expected.len() + 1);
                    let len = b.len() - at as i32 + extra;
                    ((b.ptr + at as i32, len), Some(b.expected[at..].to_vec()))
                }
                None => ((0, 0), Some(Vec::new())),
            },
            Input::Anywhere(at, len) => ((at.index(abi.memory_len()) as i32, *len), None),
            Input::Bad(region) => (Self::bad(abi, *region), None),
        }
    }

    /// Whether the ABI must refuse `input`; a node id's length is fixed, so a negative one is not
    /// an error there.
    pub fn refused(input: &Input, node_id: bool) -> bool {
        match input {
            Input::Bad(BadRegion::NegativeLength(_)) => !node_id,
            Input::Bad(_) => true,
            _ => false,
        }
    }

    /// The (ptr, cap) an output stands for, and the block and offset it starts at.
    pub fn output(&self, abi: &CortexAbi, output: &Output) -> ((i32, i32), Option<(usize, usize)>) {
        let within = |index: usize, at: &Index, cap: &Index, room: usize| {
            let block = &self.blocks[index];
            let at = at.index(block.expected.len().min(room) + 1);
            let cap = cap.index(block.expected.len() - at + 1);
            ((block.ptr + at as i32, cap as i32), Some((index, at)))
        };
        let largest = (0..self.blocks.len()).max_by_key(|&b| self.blocks[b].expected.len());
        match (output, largest) {
            // Mostly near the start, so most of the block is room.
            (Output::Largest(at, cap), Some(index)) => within(index, at, cap, 64),
            (Output::Within(b, at, cap), Some(_)) => {
                within(b.index(self.blocks.len()), at, cap, usize::MAX)
            }
            (Output::Largest(..) | Output::Within(..), None) => ((0, 0), None),
            (Output::Empty(at), _) => ((at.index(abi.memory_len() + 1) as i32, 0), None),
            // Query, neighbours and traversal copy their input in before they check the output,
            // and that copy can grow memory: an output just past the end is then accepted (see
            // the ignored test in abi_fuzz.rs). Refused outputs end well past any such growth.
            (Output::Bad(region), _) => (Self::bad(abi, *region), None),
        }
    }

    /// The host writes into one of its blocks.
    pub fn write(&mut self, abi: &mut CortexAbi, b: &Index, at: &Index, bytes: &[u8]) {
        if self.blocks.is_empty() {
            return;
        }
        let b = b.index(self.blocks.len());
        let block = &mut self.blocks[b];
        let at = at.index(block.expected.len() + 1);
        let n = bytes.len().min(block.expected.len() - at);
        block.expected[at..at + n].copy_from_slice(&bytes[..n]);
        abi.write(block.ptr + at as i32, &bytes[..n]).unwrap();
    }

    /// The full length of the last error message.
    pub fn last_error_len(&self, abi: &mut CortexAbi) -> i32 {
        abi.last_error(self.scratch, SCRATCH).unwrap()
    }

    /// Every host block holds what it should: what the host put there, and where a call
    /// succeeded, the bytes it said it wrote (which are taken as the block's new contents).
    pub fn check(
        &mut self,
        abi: &CortexAbi,
        written: Written,
        export: &str,
    ) -> Result<(), TestCaseError> {
        if let Some((b, at, n)) = written {
            let block = &mut self.blocks[b];
            let now = abi.read(block.ptr + at as i32, n).unwrap();
            block.expected[at..at + n].copy_from_slice(&now);
        }
        let kept = self.nodes.iter().zip(NODES.iter().map(|id| &id[..]));
        for (ptr, bytes) in kept.chain(self.texts.iter().zip(TEXTS)) {
            ensure(abi.read(*ptr, bytes.len()).unwrap() == bytes, || {
                format!("{export} changed what the host keeps at {ptr}")
            })?;
        }
        for block in &self.blocks {
            let now = abi.read(block.ptr, block.expected.len()).unwrap();
            ensure(now == block.expected, || {
                format!(
                    "{export} changed host memory at {} it did not report writing",
                    block.ptr
                )
            })?;
        }
        Ok(())
    }

    /// `cortex_alloc(len)`: nothing for `len <= 0`, else a fresh zeroed block clear of every
    /// other block.
    pub fn alloc(&mut self, abi: &mut CortexAbi, len: i32) -> Result<&'static str, TestCaseError> {
        let ptr = abi.alloc(len).unwrap();
        ensure((ptr == 0) == (len <= 0) && ptr >= 0, || {
            format!("cortex_alloc({len}) returned {ptr}")
        })?;
        if ptr == 0 {
            return Ok("refused");
        }
        let (start, end) = (i64::from(ptr), i64::from(ptr) + i64::from(len));
        let overlaps = self.blocks.iter().any(|b| {
            let b_end = i64::from(b.ptr) + b.expected.len() as i64;
            start < b_end && i64::from(b.ptr) < end
        });
        ensure(!overlaps, || {
            format!("cortex_alloc({len}) = {ptr} overlaps a live block")
        })?;
        let fresh = abi.read(ptr, len as usize).unwrap();
        ensure(fresh.iter().all(|&b| b == 0), || {
            format!("cortex_alloc({len}) is not zeroed")
        })?;
        self.blocks.push(Block {
            ptr,
            expected: fresh,
        });
        self.check(abi, None, "cortex_alloc")?;
        Ok("ok")
    }

    /// `cortex_free`: it frees exactly the live blocks, with their exact lengths.
    pub fn free(
        &mut self,
        abi: &mut CortexAbi,
        freeing: &Freeing,
    ) -> Result<&'static str, TestCaseError> {
        let live = |at: &Index, change: fn(&Block, i32) -> (i32, i32), by: i32| {
            self.block(at).map_or((0, 0), |b| change(b, by))
        };
        let (ptr, len) = match freeing {
            Freeing::Live(at) => live(at, |b, _| (b.ptr, b.len()), 0),
            Freeing::WrongLength(at, d) => live(at, |b, d| (b.ptr, b.len() + d), *d),
            Freeing::Inside(at, d) => live(at, |b, d| (b.ptr + d, b.len()), *d),
            Freeing::AlreadyFreed(at) if !self.freed.is_empty() => {
                self.freed[at.index(self.freed.len())]
            }
            Freeing::AlreadyFreed(_) => (0, 0),
            Freeing::Raw(ptr, len) => (*ptr, *len),
        };
        let code = abi.free(ptr, len).unwrap();
        match self
            .blocks
            .iter()
            .position(|b| b.ptr == ptr && b.len() == len)
        {
            Some(b) => {
                ensure(code == 0, || {
                    format!("cortex_free({ptr}, {len}) of a live block: {code}")
                })?;
                self.blocks.remove(b);
                self.freed.push((ptr, len));
            }
            None if ptr == self.scratch && len == SCRATCH && code == 0 => {
                // A raw guess hit the scratch block; take another.
                self.scratch = abi.put(&[0; SCRATCH as usize]).unwrap();
            }
            None => ensure(code == -1, || {
                format!("cortex_free({ptr}, {len}) of no live block returned {code}")
            })?,
        }
        self.check(abi, None, "cortex_free")?;
        Ok(if code == 0 { "ok" } else { "bad pointer" })
    }
}
