//! The frame of a served call that reads or writes the program's memory: the caller's memory and
//! host handed to its body, and the body's failure turned into the errno the program sees.

/// Links the preview1 function `$name` into `$linker`, its body run with the caller's memory and
/// host bound to the first two names and the call's arguments to the rest:
/// `serve!(linker, "fd_tell", (memory, host, fd: i32, out: i32) => { … })`.
macro_rules! serve {
    ($linker:expr, $name:literal, ($memory:tt, $host:tt $(, $arg:tt: $ty:ty)* $(,)?) => $body:expr) => {
        $linker.func_wrap(
            $crate::MODULE,
            $name,
            |mut caller: wasmtime::Caller<'_, $crate::Host> $(, $arg: $ty)*| {
                $crate::errno::errno(
                    $crate::memory::memory(&mut caller).and_then(|($memory, $host)| $body),
                )
            },
        )?
    };
}

pub(crate) use serve;
