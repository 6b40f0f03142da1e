//! Which file events are worth a look.
//!
//! Events only say where to look; the workspace compares texts, so an
//! event that changed nothing rebuilds nothing. This filter keeps the
//! `.camp` files of the project (not hidden, not backups, not under the
//! output directory), asks for a whole re-read when a directory changed
//! or the watcher lost events, and notices events on the project
//! directory itself (deleted, renamed).

use std::path::{Component, Path, PathBuf};

use notify_debouncer_full::notify::EventKind;
use notify_debouncer_full::DebouncedEvent;

/// What a batch of events asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Relevant {
    /// Project `.camp` files to read again, sorted, without repeats.
    pub files: Vec<PathBuf>,
    /// Read the whole project again (a directory changed, events lost).
    pub rescan: bool,
    /// The project directory itself was removed or renamed.
    pub root: bool,
    /// Paths under the output directory that changed, relative to it
    /// (`""`: the directory itself), sorted, without repeats: the
    /// workspace looks at the outputs there again (see
    /// `Workspace::outputs_touched`).
    pub outputs: Vec<String>,
}

impl Relevant {
    /// Sorts a batch (paths canonical: `dir` the project, `out` the
    /// output directory).
    pub fn of(batch: &[DebouncedEvent], dir: &Path, out: &Path) -> Relevant {
        let mut relevant = Relevant::default();
        for event in batch {
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            if event.need_rescan() {
                relevant.rescan = true;
            }
            for path in &event.paths {
                relevant.add(event.kind, path, dir, out);
            }
        }
        relevant.files.sort();
        relevant.files.dedup();
        relevant.outputs.sort();
        relevant.outputs.dedup();
        relevant
    }

    fn add(&mut self, kind: EventKind, path: &Path, dir: &Path, out: &Path) {
        if path.starts_with(out) {
            // Outputs changed by someone else, or by the build itself: the
            // workspace tells them apart by their contents.
            if let Some(relative) = relative(path, out) {
                self.outputs.push(relative);
            }
            return;
        }
        if path == dir {
            if matches!(kind, EventKind::Remove(_) | EventKind::Modify(_)) {
                self.root = true;
            }
            return;
        }
        if is_project_file(path, dir, out) {
            self.files.push(path.to_path_buf());
        } else if watched_dir(path, dir, out) {
            // A directory created, removed or renamed (its files come or go
            // without events of their own), or a path gone whose kind is
            // unknown: read the project again.
            if path.is_dir() || (!path.exists() && path.extension().is_none()) {
                self.rescan = true;
            }
        }
    }
}

/// `path` relative to `dir`, with `/` separators, as the loader names
/// files.
pub fn relative(path: &Path, dir: &Path) -> Option<String> {
    let relative = path.strip_prefix(dir).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| match c {
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    Some(parts.join("/"))
}

/// Whether `path` is under `dir`, not under `out`, and not hidden.
fn watched_dir(path: &Path, dir: &Path, out: &Path) -> bool {
    if path.starts_with(out) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(dir) else {
        return false;
    };
    !relative.components().any(|c| match c {
        Component::Normal(name) => name.to_string_lossy().starts_with('.'),
        _ => true,
    })
}

/// Whether `path` is one of the project's sources: a `.camp` file under
/// `dir`, not under the output directory, not hidden (the project loader
/// skips hidden directories; editors' lock and swap files start with a
/// dot) and not a backup (`~`).
pub fn is_project_file(path: &Path, dir: &Path, out: &Path) -> bool {
    let backup = path.to_string_lossy().ends_with('~');
    watched_dir(path, dir, out) && !backup && path.extension().is_some_and(|e| e == "camp")
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify_debouncer_full::notify::event::{CreateKind, ModifyKind, RemoveKind};
    use notify_debouncer_full::notify::Event;
    use std::time::Instant;

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
        assert_eq!(
            relative(Path::new("/p/flows/a.camp"), dir).as_deref(),
            Some("flows/a.camp")
        );
    }

    fn event(kind: EventKind, path: &Path) -> DebouncedEvent {
        DebouncedEvent::new(
            Event::new(kind).add_path(path.to_path_buf()),
            Instant::now(),
        )
    }

    #[test]
    fn reads_are_ignored_directories_rescan_and_the_root_is_noticed() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().canonicalize().expect("canonical");
        let out = dir.join("out");
        let a = dir.join("a.camp");
        let access = EventKind::Access(notify_debouncer_full::notify::event::AccessKind::Any);
        let write = EventKind::Modify(ModifyKind::Any);
        assert_eq!(
            Relevant::of(&[event(access, &a)], &dir, &out),
            Relevant::default()
        );
        let both = Relevant::of(&[event(write, &a), event(write, &a)], &dir, &out);
        assert_eq!(both.files, vec![a.clone()]);
        assert!(!both.rescan && !both.root);

        let flows = dir.join("flows");
        std::fs::create_dir(&flows).expect("mkdir");
        let created = Relevant::of(
            &[event(EventKind::Create(CreateKind::Folder), &flows)],
            &dir,
            &out,
        );
        assert!(created.rescan);
        let notes = Relevant::of(&[event(write, &dir.join("NOTES.md"))], &dir, &out);
        assert_eq!(notes, Relevant::default());
        // Under the output directory: no source, no rescan; reported as
        // outputs to look at, relative to it.
        let in_out = Relevant::of(
            &[
                event(write, &out.join("x.camp")),
                event(write, &out.join("previews/a.md")),
                event(EventKind::Remove(RemoveKind::Folder), &out),
            ],
            &dir,
            &out,
        );
        assert_eq!(
            in_out,
            Relevant {
                outputs: vec![String::new(), "previews/a.md".into(), "x.camp".into()],
                ..Relevant::default()
            }
        );
        let root = Relevant::of(
            &[event(EventKind::Remove(RemoveKind::Folder), &dir)],
            &dir,
            &out,
        );
        assert!(root.root);
    }
}
