//! WASI programs written as WAT, for the runtime's and the behaviour check's tests.

/// A WASI command that writes `text` to stdout, then exits with `code` (`None`: returns from `_start`).
pub fn command(text: &str, code: Option<i32>) -> Vec<u8> {
    let exit = code.map_or_else(String::new, |code| {
        format!("(call $proc_exit (i32.const {code}))")
    });
    let text: String = text.bytes().map(|b| format!("\\{b:02x}")).collect();
    let len = text.len() / 3;
    wat::parse_str(format!(
        r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
            (memory (export "memory") 1)
            (data (i32.const 64) "{text}")
            (func (export "_start")
                (i32.store (i32.const 0) (i32.const 64))
                (i32.store (i32.const 4) (i32.const {len}))
                (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                {exit}))"#
    ))
    .expect("valid fixture")
}

pub fn trapping() -> Vec<u8> {
    wat::parse_str(r#"(module (memory (export "memory") 1) (func (export "_start") unreachable))"#)
        .expect("valid")
}
