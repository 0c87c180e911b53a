//! The calls a random sequence is made of, with their arguments as choices (which host block,
//! which handle, which kind of bad region) that the session turns into numbers when it runs them.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};

/// A store handle: one that is open, one the module issued (open or closed since), or any
/// number at all.
#[derive(Clone, Debug)]
pub enum Handle {
    Open(Index),
    Issued(Index),
    Raw(i32),
}

/// A pointer/length pair the ABI only reads.
#[derive(Clone, Debug)]
pub enum Input {
    /// One of the few node ids the host keeps, so edges and walks find their nodes.
    Node(Index),
    /// One of the few short texts the host keeps (kinds, labels, relations).
    Text(Index),
    /// A whole host block.
    Start(Index),
    /// A host block from an offset on, `extra` bytes longer (or shorter) than what remains of it.
    Within(Index, Index, i32),
    /// Anywhere in linear memory, with any length.
    Anywhere(Index, i32),
    Bad(BadRegion),
}

/// A pointer/capacity pair the ABI may write to.
#[derive(Clone, Debug)]
pub enum Output {
    /// The host's largest block from an offset (often misaligned), at most what remains of it.
    Largest(Index, Index),
    /// Part of a host block: from an offset (often misaligned), at most what remains of it.
    Within(Index, Index, Index),
    /// Nothing at all, anywhere in memory.
    Empty(Index),
    Bad(BadRegion),
}

/// A region the ABI must refuse with CORTEX_E_BAD_POINTER.
#[derive(Clone, Copy, Debug)]
pub enum BadRegion {
    Null(i32),
    NegativeLength(i32),
    /// Starts inside memory and ends this many bytes past its end.
    PastEnd(u16),
    StartsPastEnd(u32),
    /// Pointer + length wraps around the 32-bit address space.
    Overflowing,
    AtTheTop,
}

/// What `cortex_free` is handed.
#[derive(Clone, Debug)]
pub enum Freeing {
    Live(Index),
    WrongLength(Index, i32),
    Inside(Index, i32),
    AlreadyFreed(Index),
    Raw(i32, i32),
}

#[derive(Clone, Debug)]
pub enum Call {
    Alloc(i32),
    Free(Freeing),
    /// The host writes into its own block (new ids, kinds, bytes for later calls to read).
    Write(Index, Index, Vec<u8>),
    Version,
    Open,
    Close(Handle),
    Append(Handle, Input, Input, Input),
    Count(Handle),
    Query(Handle, Input, Output),
    PutNode(Handle, Input, Input),
    PutEdge(Handle, Input, Input, Input, f64),
    Neighbors(Handle, Input, i32, Output),
    Traverse(Handle, Input, i32, Output),
    /// `cortex_query` with whatever bytes the input holds as its filter record.
    Filtered(Handle, Input, Output),
    PutRecord(Handle, Input),
    GetNode(Handle, Input, Output),
    Path(Handle, Input, Input, Output),
    LastError(Output),
}

fn handle() -> impl Strategy<Value = Handle> {
    let raw = select(&[0, -1, 2, 3, 100, i32::MAX, i32::MIN][..]);
    prop_oneof![
        6 => any::<Index>().prop_map(Handle::Open),
        1 => any::<Index>().prop_map(Handle::Issued),
        1 => raw.prop_map(Handle::Raw),
    ]
}

fn bad_region() -> impl Strategy<Value = BadRegion> {
    prop_oneof![
        (1..64i32).prop_map(BadRegion::Null),
        select(&[-1, -32, i32::MIN][..]).prop_map(BadRegion::NegativeLength),
        (1..4096u16).prop_map(BadRegion::PastEnd),
        any::<u32>().prop_map(BadRegion::StartsPastEnd),
        Just(BadRegion::Overflowing),
        Just(BadRegion::AtTheTop),
    ]
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        5 => any::<Index>().prop_map(Input::Start),
        3 => (any::<Index>(), any::<Index>(), -4..48i32)
            .prop_map(|(block, at, extra)| Input::Within(block, at, extra)),
        1 => (any::<Index>(), prop_oneof![0..64i32, 0..i32::MAX])
            .prop_map(|(at, len)| Input::Anywhere(at, len)),
        1 => bad_region().prop_map(Input::Bad),
    ]
}

/// A kind, label or relation: mostly one of the host's few, so that queries find events.
fn text() -> impl Strategy<Value = Input> {
    prop_oneof![2 => any::<Index>().prop_map(Input::Text), 1 => input()]
}

/// A node id: mostly one of the host's few, so that nodes, edges and walks meet.
fn node() -> impl Strategy<Value = Input> {
    prop_oneof![3 => any::<Index>().prop_map(Input::Node), 1 => input()]
}

fn output() -> impl Strategy<Value = Output> {
    prop_oneof![
        4 => (any::<Index>(), any::<Index>()).prop_map(|(at, cap)| Output::Largest(at, cap)),
        2 => (any::<Index>(), any::<Index>(), any::<Index>())
            .prop_map(|(block, at, cap)| Output::Within(block, at, cap)),
        1 => any::<Index>().prop_map(Output::Empty),
        1 => bad_region().prop_map(Output::Bad),
    ]
}

fn freeing() -> impl Strategy<Value = Freeing> {
    let off = prop_oneof![-3..=-1i32, 1..=3i32];
    prop_oneof![
        3 => any::<Index>().prop_map(Freeing::Live),
        1 => (any::<Index>(), off.clone()).prop_map(|(b, d)| Freeing::WrongLength(b, d)),
        1 => (any::<Index>(), off).prop_map(|(b, d)| Freeing::Inside(b, d)),
        1 => any::<Index>().prop_map(Freeing::AlreadyFreed),
        1 => (any::<i32>(), any::<i32>()).prop_map(|(p, l)| Freeing::Raw(p, l)),
    ]
}

/// Bytes a host writes: text for kinds and labels, node ids, or anything.
fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[a-z.]{1,12}".prop_map(String::into_bytes),
        (0..4u8).prop_map(|n| vec![n; 32]),
        vec(any::<u8>(), 1..48),
    ]
}

pub fn call() -> impl Strategy<Value = Call> {
    let direction = prop_oneof![4 => 0..3i32, 1 => any::<i32>()];
    let depth = prop_oneof![4 => 0..6i32, 1 => any::<i32>()];
    let weight = prop_oneof![
        8 => select(&[1.0, 0.5, 0.0][..]),
        1 => select(&[-1.0, f64::NAN, f64::INFINITY, f64::MAX][..]),
    ];
    // No gigabyte blocks: whether one fits depends on the heap, and calloc zeroes all of it.
    let alloc = prop_oneof![4 => 1..4096i32, 1 => select(&[0, -1, i32::MIN, 1 << 18][..])];
    prop_oneof![
        2 => alloc.prop_map(Call::Alloc),
        2 => freeing().prop_map(Call::Free),
        2 => (any::<Index>(), any::<Index>(), bytes()).prop_map(|(b, at, v)| Call::Write(b, at, v)),
        1 => Just(Call::Version),
        1 => Just(Call::Open),
        1 => handle().prop_map(Call::Close),
        6 => (handle(), node(), text(), input()).prop_map(|(h, s, k, p)| Call::Append(h, s, k, p)),
        1 => handle().prop_map(Call::Count),
        4 => (handle(), text(), output()).prop_map(|(h, k, o)| Call::Query(h, k, o)),
        6 => (handle(), node(), text()).prop_map(|(h, id, l)| Call::PutNode(h, id, l)),
        4 => (handle(), node(), node(), text(), weight)
            .prop_map(|(h, a, b, r, w)| Call::PutEdge(h, a, b, r, w)),
        3 => (handle(), node(), direction, output())
            .prop_map(|(h, n, d, o)| Call::Neighbors(h, n, d, o)),
        3 => (handle(), node(), depth, output()).prop_map(|(h, n, d, o)| Call::Traverse(h, n, d, o)),
        2 => (handle(), input(), output()).prop_map(|(h, f, o)| Call::Filtered(h, f, o)),
        3 => (handle(), input()).prop_map(|(h, r)| Call::PutRecord(h, r)),
        2 => (handle(), node(), output()).prop_map(|(h, n, o)| Call::GetNode(h, n, o)),
        2 => (handle(), node(), node(), output()).prop_map(|(h, a, b, o)| Call::Path(h, a, b, o)),
        1 => output().prop_map(Call::LastError),
    ]
}
