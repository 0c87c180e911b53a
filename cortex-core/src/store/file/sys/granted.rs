//! Which directory the host granted (preopened) holds a path, and the path inside it, picked as
//! wasi-libc picks it for `open`: the longest granted name that is a whole-component prefix of the
//! path, leading `/` and `./` ignored on both. A path that climbs with `..` is refused here, so a
//! store stays inside its grant whether or not the host checks.

/// `path` without its leading `/` and `./` parts, and a lone `.` as empty: how wasi-libc strips
/// both the names of preopened directories and the paths looked up in them.
fn strip(mut path: &[u8]) -> &[u8] {
    loop {
        path = match path {
            [b'/', rest @ ..] | [b'.', b'/', rest @ ..] => rest,
            [b'.'] => &[],
            _ => return path,
        }
    }
}

/// The descriptor of the granted directory in `preopens` (descriptor, name) that holds `path`, and
/// `path` relative to it (`.` for the directory itself); `None` when no grant holds it or the rest
/// has a `..` component. Of two grants of the same length the later one wins, as in wasi-libc.
pub(super) fn resolve<'p>(preopens: &[(u32, Vec<u8>)], path: &'p [u8]) -> Option<(u32, &'p [u8])> {
    let path = strip(path);
    let mut best: Option<(usize, u32, &[u8])> = None;
    for (fd, name) in preopens {
        let mut name = strip(name);
        // Hosts may end the name with NULs or slashes; neither is part of it.
        while let [head @ .., b'/' | 0] = name {
            name = head;
        }
        let rest = match path.strip_prefix(name) {
            Some(rest) if name.is_empty() || rest.is_empty() || rest[0] == b'/' => rest,
            _ => continue,
        };
        if best.is_none_or(|(len, _, _)| name.len() >= len) {
            best = Some((name.len(), *fd, rest));
        }
    }
    let (_, fd, rest) = best?;
    let rest = strip(rest);
    if rest.split(|&b| b == b'/').any(|part| part == b"..") {
        return None;
    }
    Some((fd, if rest.is_empty() { b"." } else { rest }))
}

#[cfg(test)]
mod tests {
    use super::resolve;

    fn grants(names: &[&str]) -> Vec<(u32, Vec<u8>)> {
        (3..)
            .zip(names.iter().map(|n| n.as_bytes().to_vec()))
            .collect()
    }

    fn at<'p>(names: &[&str], path: &'p str) -> Option<(u32, &'p str)> {
        let (fd, rest) = resolve(&grants(names), path.as_bytes())?;
        Some((fd, std::str::from_utf8(rest).ok()?))
    }

    #[test]
    fn a_path_resolves_inside_the_longest_grant_holding_it() {
        let names = ["/data", "/data/inner", "."];
        assert_eq!(at(&names, "/data/store"), Some((3, "store")));
        assert_eq!(at(&names, "data/store/"), Some((3, "store/")));
        assert_eq!(at(&names, "/data/inner/x"), Some((4, "x")));
        assert_eq!(at(&names, "/data"), Some((3, ".")));
        assert_eq!(at(&names, "/database"), Some((5, "database")));
        assert_eq!(at(&names, "./here"), Some((5, "here")));
        assert_eq!(at(&["/data/"], "/data//store"), Some((3, "store")));
        assert_eq!(at(&["/data", "data"], "/data/x"), Some((4, "x")));
    }

    #[test]
    fn a_path_outside_every_grant_or_climbing_out_is_refused() {
        assert_eq!(at(&["/data"], "/etc/cortex"), None);
        assert_eq!(at(&["/data"], "/database"), None);
        assert_eq!(at(&["/data"], "/data/../etc"), None);
        assert_eq!(at(&["/data"], "/data/a/../../etc"), None);
        assert_eq!(at(&["/data"], "/data/.."), None);
        assert_eq!(at(&[], "/data"), None);
        assert_eq!(at(&["/data"], "/data/..x"), Some((3, "..x")));
    }
}
