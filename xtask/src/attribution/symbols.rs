//! Symbol names as a reader wants them, and the crate each function belongs to.

/// How binaryen names the one body it makes of functions that differ only in constants
/// (`--merge-similar-functions`): this prefix, then the name of the first of them.
pub const MERGED_PREFIX: &str = "byn$mgfn-shared$";

/// A symbol as a reader wants it: demangled, hash and `.llvm.N` suffixes gone.
pub fn demangle(raw: &str) -> String {
    if let Some(first) = raw.strip_prefix(MERGED_PREFIX) {
        return format!("{MERGED_PREFIX}{}", demangle(first));
    }
    match rustc_demangle::try_demangle(raw) {
        Ok(symbol) => format!("{symbol:#}"),
        // `.command_export` marks the wrapper wasm-ld puts around an export of a command module.
        Err(_) => raw
            .split(".llvm.")
            .next()
            .unwrap_or(raw)
            .trim_end_matches(".command_export")
            .to_owned(),
    }
}

/// The crate a function belongs to: the root of its path, or for `<Type as Trait>::f` the crate of
/// the type (of the trait when the type is a primitive or a generic parameter).
pub fn crate_of(raw: &str, demangled: &str) -> String {
    // A merged body belongs where the first function merged into it does.
    if let Some(first) = raw.strip_prefix(MERGED_PREFIX) {
        return crate_of(first, &demangle(first));
    }
    if rustc_demangle::try_demangle(raw).is_err() {
        // Not a Rust path: the allocator shims and panic entry points belong to std; the rest are
        // `#[no_mangle]` exports and C code such as wasi-libc.
        let std_shim = [
            "__rust_",
            "__rdl_",
            "__rg_",
            "rust_begin_unwind",
            "rust_panic",
        ];
        return if std_shim.iter().any(|prefix| raw.starts_with(prefix)) {
            "std"
        } else {
            "[extern]"
        }
        .to_owned();
    }
    match crate_of_path(demangled) {
        // Symbols rustc gives to std's allocator shims and panic entry points.
        "__rustc" => "std".to_owned(),
        krate => krate.to_owned(),
    }
}

pub(super) fn crate_of_path(demangled: &str) -> &str {
    let Some(qualified) = demangled.strip_prefix('<') else {
        return root(demangled).unwrap_or("[unknown]");
    };
    let self_type = qualified.trim_start_matches(['&', '*', '[', '(', ' ']);
    let self_type = ["mut ", "const ", "dyn "]
        .iter()
        .fold(self_type, |s, p| s.strip_prefix(p).unwrap_or(s));
    if let Some(krate) = root(self_type) {
        return krate;
    }
    // `<u64 as core::fmt::Display>::fmt`: fall back to the trait's crate; `<char>::escape_debug_ext`, an
    // inherent method of a primitive, lives in core.
    match qualified.find(" as ") {
        Some(at) => root(&qualified[at + 4..]).unwrap_or("[unknown]"),
        None => "core",
    }
}

/// The first segment of a `a::b::c` path, if it has more than one segment.
fn root(path: &str) -> Option<&str> {
    let end = path.find(|c: char| !(c.is_alphanumeric() || c == '_'))?;
    (end > 0 && path[end..].starts_with("::")).then_some(&path[..end])
}
