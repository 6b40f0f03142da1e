//! Which file events mean "the project changed".
//!
//! `notify` reports opens and reads too (on Linux, inotify's `IN_OPEN`),
//! and the debouncer keeps only the paths, not what happened: a rebuild,
//! which reads every file, would trigger the next one forever. So a path
//! counts as changed only when it is a project `.camp` file whose size or
//! modification time differs from the last time we looked (`stat` does not
//! itself produce an event), or that appeared or disappeared.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

/// What identifies one version of a file without opening it.
type Fingerprint = Option<(u64, Option<SystemTime>)>;

/// The last seen fingerprint of every project file.
#[derive(Debug, Default)]
pub struct Changes {
    dir: PathBuf,
    out: PathBuf,
    seen: BTreeMap<PathBuf, Fingerprint>,
}

impl Changes {
    /// Remembers every `.camp` file now under `dir` (both paths canonical).
    pub fn new(dir: &Path, out: &Path) -> Changes {
        let mut changes = Changes {
            dir: dir.to_path_buf(),
            out: out.to_path_buf(),
            seen: BTreeMap::new(),
        };
        let files = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .into_iter()
            .filter_map(Result::ok)
            .map(walkdir::DirEntry::into_path);
        for path in files {
            if is_project_file(&path, dir, out) {
                let fingerprint = fingerprint(&path);
                changes.seen.insert(path, fingerprint);
            }
        }
        changes
    }

    /// The paths among `paths` that really changed since last seen, sorted
    /// and without repeats; remembers their new state.
    pub fn changed(&mut self, paths: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
        let mut changed = Vec::new();
        for path in paths {
            if !is_project_file(&path, &self.dir, &self.out) {
                continue;
            }
            let now = fingerprint(&path);
            // A path never seen before is new, whatever its state.
            let before = self.seen.insert(path.clone(), now);
            if before != Some(now) {
                changed.push(path);
            }
        }
        changed.sort();
        changed.dedup();
        changed
    }
}

fn fingerprint(path: &Path) -> Fingerprint {
    std::fs::metadata(path)
        .ok()
        .map(|meta| (meta.len(), meta.modified().ok()))
}

/// Whether `path` is one of the project's sources: a `.camp` file under
/// `dir`, not under the output directory, not hidden (the project loader
/// skips hidden directories; editors' lock and swap files start with a
/// dot) and not a backup (`~`).
pub fn is_project_file(path: &Path, dir: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(dir) else {
        return false;
    };
    let hidden = relative.components().any(|c| match c {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => true,
    });
    let backup = relative.to_string_lossy().ends_with('~');
    !hidden && !backup && path.extension().is_some_and(|e| e == "camp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_camp_files_outside_out_and_not_hidden_count() {
        let dir = Path::new("/p");
        let out = Path::new("/p/out");
        assert!(is_project_file(Path::new("/p/a.camp"), dir, out));
        assert!(is_project_file(Path::new("/p/flows/a.camp"), dir, out));
        for quiet in [
            "/p/out/a.camp",
            "/p/README.md",
            "/p/.#a.camp",
            "/p/.a.camp.swp",
            "/p/a.camp~",
            "/p/.git/a.camp",
            "/elsewhere/a.camp",
            "/p/4913",
        ] {
            assert!(!is_project_file(Path::new(quiet), dir, out), "{quiet}");
        }
    }

    #[test]
    fn reading_is_not_a_change_but_writing_adding_and_removing_are() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().canonicalize().expect("canonical");
        let out = dir.join("out");
        let a = dir.join("a.camp");
        std::fs::write(&a, "// one").expect("write");
        let mut changes = Changes::new(&dir, &out);
        let _ = std::fs::read(&a);
        assert!(changes.changed([a.clone()]).is_empty(), "a read");

        std::fs::write(&a, "// one, longer").expect("write");
        assert_eq!(changes.changed([a.clone(), a.clone()]), vec![a.clone()]);
        assert!(changes.changed([a.clone()]).is_empty(), "seen already");

        let b = dir.join("b.camp");
        std::fs::write(&b, "").expect("write");
        assert_eq!(changes.changed([b.clone()]), vec![b.clone()]);
        std::fs::remove_file(&b).expect("remove");
        assert_eq!(changes.changed([b.clone()]), vec![b]);
        assert!(changes.changed([out.join("x.camp")]).is_empty());
    }
}
