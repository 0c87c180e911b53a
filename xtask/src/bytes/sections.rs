//! A wasm module's sections as raw bytes, for the rewrites that copy most of a module as it is
//! (narrowing its exports, replacing the panic handler) and for measuring one section.

use super::leb128;

/// The module's header: the magic `\0asm` and the version.
pub const HEADER: usize = 8;
pub const CUSTOM: u8 = 0;
pub const EXPORT: u8 = 7;
pub const CODE: u8 = 10;

/// One section: its id, its content, and all of its bytes (id and size included), to copy it whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section<'a> {
    pub id: u8,
    pub content: &'a [u8],
    pub whole: &'a [u8],
}

impl Section<'_> {
    /// The name of a custom section; `None` for any other.
    pub fn custom_name(&self) -> Option<&str> {
        if self.id != CUSTOM {
            return None;
        }
        let mut data = self.content;
        let len = leb128::read_u32(&mut data)? as usize;
        std::str::from_utf8(data.get(..len)?).ok()
    }
}

/// The sections of `module` in order, after its header; what is wrong, when it is not a module.
pub fn split(module: &[u8]) -> Result<Vec<Section<'_>>, &'static str> {
    if module.len() < HEADER || &module[..4] != b"\0asm" {
        return Err("no `\\0asm` header");
    }
    let mut sections = Vec::new();
    let mut rest = &module[HEADER..];
    while let Some((&id, after_id)) = rest.split_first() {
        let mut data = after_id;
        let size = leb128::read_u32(&mut data).ok_or("a section size")? as usize;
        let content = data.get(..size).ok_or("a section runs past the end")?;
        let len = 1 + (after_id.len() - data.len()) + size;
        sections.push(Section {
            id,
            content,
            whole: &rest[..len],
        });
        rest = &rest[len..];
    }
    Ok(sections)
}

/// Appends a section of `id` holding `content` to `out`.
pub fn write(out: &mut Vec<u8>, id: u8, content: &[u8]) {
    out.push(id);
    leb128::write_u32(out, content.len() as u32);
    out.extend_from_slice(content);
}

/// All the bytes of the custom sections named `name` (0 when there is none, or `module` is not a
/// module): what a module built with names carries over the one built without.
pub fn custom_bytes(module: &[u8], name: &str) -> u64 {
    split(module)
        .unwrap_or_default()
        .iter()
        .filter(|s| s.custom_name() == Some(name))
        .map(|s| s.whole.len() as u64)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle is the module as the test writes it, byte by byte.
    #[test]
    fn sections_come_back_whole_and_in_order() {
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        write(&mut module, 1, &[0x00]);
        write(&mut module, CUSTOM, b"\x04name\x01\x02");
        write(&mut module, CODE, &[0x00]);
        let sections = split(&module).unwrap();
        let ids: Vec<u8> = sections.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1, CUSTOM, CODE]);
        assert_eq!(sections[1].custom_name(), Some("name"));
        assert_eq!(sections[1].content, b"\x04name\x01\x02");
        assert_eq!(sections[0].custom_name(), None);
        let rejoined: Vec<u8> = sections.iter().flat_map(|s| s.whole.to_vec()).collect();
        assert_eq!(rejoined, module[HEADER..]);
        assert_eq!(custom_bytes(&module, "name"), 9);
        assert_eq!(custom_bytes(&module, "producers"), 0);
    }

    #[test]
    fn what_is_not_a_module_says_why() {
        assert_eq!(split(b"\0as"), Err("no `\\0asm` header"));
        assert_eq!(
            split(b"\0asm\x01\0\0\0\x01\x05\x00"),
            Err("a section runs past the end")
        );
        assert_eq!(split(b"\0asm\x01\0\0\0\x01"), Err("a section size"));
    }
}
