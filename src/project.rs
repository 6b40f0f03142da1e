//! Loading a project: every `*.camp` file under a directory, in a
//! deterministic order.
//!
//! Files are sorted by their path relative to the project directory (with
//! `/` separators) before they get [`FileId`](crate::source::FileId)s, so ids,
//! diagnostics and plans do not depend on the order the OS lists a directory.

use std::fmt;
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostics::codes::project::{DANGLING_CAMP_LINK, NO_CAMP_FILES};
use crate::diagnostics::Diagnostic;
use crate::source::{LineIndex, SourceMap, Span};

/// Why a project could not be loaded. These are not diagnostics about the
/// campaigns: the tool could not run (exit code 2).
#[derive(Debug)]
pub enum LoadError {
    /// The project directory does not exist.
    MissingDir { path: PathBuf },
    /// The project path exists but is not a directory.
    NotADir { path: PathBuf },
    /// A directory could not be listed (permissions, I/O).
    UnreadableDir { path: PathBuf, error: String },
    /// A `.camp` file could not be read.
    UnreadableFile {
        path: PathBuf,
        error: std::io::Error,
    },
    /// A `.camp` file is not UTF-8 text.
    NotUtf8 { path: PathBuf, offset: usize },
}

impl LoadError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            LoadError::MissingDir { path }
            | LoadError::NotADir { path }
            | LoadError::UnreadableDir { path, .. }
            | LoadError::UnreadableFile { path, .. }
            | LoadError::NotUtf8 { path, .. } => path,
        }
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::MissingDir { path } => {
                write!(f, "project directory `{}` does not exist", path.display())
            }
            LoadError::NotADir { path } => {
                write!(f, "`{}` is not a directory", path.display())
            }
            LoadError::UnreadableDir { path, error } => {
                write!(f, "cannot read directory `{}`: {error}", path.display())
            }
            LoadError::UnreadableFile { path, error } => {
                write!(f, "cannot read `{}`: {error}", path.display())
            }
            LoadError::NotUtf8 { path, offset } => write!(
                f,
                "`{}` is not valid UTF-8 text (first bad byte at offset {offset}); save it as UTF-8",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LoadError::UnreadableFile { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// A loaded project: its files, and the `.camp` entries that were skipped
/// because they are symbolic links to nothing.
#[derive(Debug)]
pub struct Loaded {
    /// Every readable `*.camp` file, sorted by relative path.
    pub sources: SourceMap,
    /// `.camp` symbolic links whose target does not exist (or that loop),
    /// as shown paths, sorted. Each is warning `W0902`, not an I/O error.
    pub dangling: Vec<PathBuf>,
}

impl Loaded {
    /// Warning `W0902` for each dangling `.camp` symbolic link.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.dangling
            .iter()
            .map(|path| {
                Diagnostic::warning(
                    DANGLING_CAMP_LINK,
                    format!(
                        "`{}` is a symbolic link to a file that does not exist; it was skipped",
                        path.display()
                    ),
                    Span::PROJECT,
                )
                .with_help(
                    "point the link at an existing .camp file, or delete it if the file is gone",
                )
            })
            .collect()
    }
}

/// Warning `W0901`: `dir` holds no `.camp` file. `check` and `build` add
/// it when the loaded map is empty; the span points into no file, so the
/// renderers show it without a location.
pub fn no_camp_files(dir: &Path) -> Diagnostic {
    Diagnostic::warning(
        NO_CAMP_FILES,
        format!("no .camp files found in {}", dir.display()),
        Span::default(),
    )
    .with_help("check the directory name; files must end in `.camp`")
}

/// Reads every `*.camp` file under `dir`; see [`load_project`]. Dangling
/// `.camp` links are left out silently: callers that report diagnostics use
/// [`load_project`] and its [`Loaded::warnings`].
pub fn load(dir: &Path) -> Result<SourceMap, LoadError> {
    load_project(dir).map(|loaded| loaded.sources)
}

/// Reads every `*.camp` file under `dir` (recursively, not following hidden
/// directories; symlinks are followed and loops detected), sorted by
/// relative path. An empty map means the directory holds no `.camp` file,
/// which is for the caller to warn about, not an I/O error.
///
/// Entries that are not `.camp` files are never read, so a broken symbolic
/// link, a socket or a FIFO next to the campaigns does not matter. A
/// symbolic link to a directory that leads back to one of its ancestors
/// is skipped silently (its files are reached another way). A `.camp`
/// symbolic link to nothing is listed in [`Loaded::dangling`].
pub fn load_project(dir: &Path) -> Result<Loaded, LoadError> {
    use rayon::prelude::*;
    let Listing { files, dangling } = list_project(dir)?;
    // Read and indexed on every core (a thousand files are tens of
    // milliseconds on one), added in path order; the first file that
    // cannot be read, in that order, is the error.
    let read: Vec<Result<(String, LineIndex), LoadError>> = files
        .par_iter()
        .map(|(_, disk_path)| {
            let text = read_camp(disk_path)?;
            let lines = LineIndex::new(&text);
            Ok((text, lines))
        })
        .collect();
    let mut map = SourceMap::new();
    for ((relative, disk_path), read) in files.into_iter().zip(read) {
        let (text, lines) = read?;
        map.add_indexed(relative, &disk_path, text, lines);
    }
    Ok(Loaded {
        sources: map,
        dangling,
    })
}

/// The `.camp` files of a project, found but not read.
#[derive(Debug, Default)]
pub struct Listing {
    /// (relative path with `/` separators, shown path on disk), sorted.
    pub files: Vec<(String, PathBuf)>,
    /// As [`Loaded::dangling`].
    pub dangling: Vec<PathBuf>,
}

/// Finds every `*.camp` file under `dir` as [`load_project`] does, without
/// reading them: for a caller (the language server) that reads each file
/// on its own and keeps going past one it cannot read.
pub fn list_project(dir: &Path) -> Result<Listing, LoadError> {
    let root = clean(dir);
    match std::fs::metadata(&root) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(LoadError::NotADir { path: root }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LoadError::MissingDir { path: root })
        }
        Err(e) => {
            return Err(LoadError::UnreadableDir {
                path: root,
                error: e.to_string(),
            })
        }
    }

    let shown = |path: &Path| -> PathBuf {
        // Shown paths are the project directory as given joined with the
        // relative path; `./a.camp` shows as `a.camp`.
        if root == Path::new(".") {
            path.strip_prefix(&root).unwrap_or(path).to_path_buf()
        } else {
            path.to_path_buf()
        }
    };
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    let mut dangling: Vec<PathBuf> = Vec::new();
    let walker = WalkDir::new(&root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            // A symlink loop is skipped: the files are reached another way.
            Err(e) if e.loop_ancestor().is_some() => continue,
            // A symbolic link whose target is missing or loops: nothing to
            // read. Only a `.camp` one is worth a warning.
            Err(e) if e.path().is_some_and(is_symlink) => {
                if let Some(path) = e.path().filter(|p| is_camp(p)) {
                    dangling.push(shown(path));
                }
                continue;
            }
            Err(e) => {
                let path = e.path().map_or_else(|| root.clone(), Path::to_path_buf);
                return Err(LoadError::UnreadableDir {
                    path,
                    error: e
                        .io_error()
                        .map_or_else(|| e.to_string(), |io| io.to_string()),
                });
            }
        };
        if !entry.file_type().is_file() || !is_camp(entry.path()) {
            continue;
        }
        let relative = entry.path().strip_prefix(&root).unwrap_or(entry.path());
        found.push((slash_path(relative), shown(entry.path())));
    }
    found.sort();
    dangling.sort();
    Ok(Listing {
        files: found,
        dangling,
    })
}

/// The text of one `.camp` file: an I/O error or bytes that are not UTF-8
/// are a [`LoadError`] naming the file.
pub fn read_camp(disk_path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(disk_path).map_err(|error| LoadError::UnreadableFile {
        path: disk_path.to_path_buf(),
        error,
    })?;
    String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: disk_path.to_path_buf(),
        offset: e.utf8_error().valid_up_to(),
    })
}

/// Whether the path's name ends in `.camp`.
fn is_camp(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "camp")
}

/// Whether the path itself is a symbolic link (not followed).
fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// `.git`, `.cache`, …: never part of a project.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// The path without `.` components, so `./campaigns` shows as `campaigns`.
pub fn clean(dir: &Path) -> PathBuf {
    let cleaned: PathBuf = dir
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if cleaned.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        cleaned
    }
}

/// A relative path with `/` separators on every OS.
fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &[u8]) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    #[test]
    fn loads_camp_files_recursively_sorted_skipping_hidden_dirs_and_other_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "z.camp", b"// z");
        write(root, "a/b.camp", b"// a/b");
        write(root, "a.camp", b"// a");
        write(root, "notes.md", b"not a campaign");
        write(root, ".git/x.camp", b"// hidden");
        write(root, "a/.cache/y.camp", b"// hidden too");
        let map = load(root).expect("loads");
        let paths: Vec<&str> = map.files().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.camp", "a/b.camp", "z.camp"]);
        assert_eq!(&*map.files()[1].text, "// a/b");
        assert_eq!(map.files()[1].disk_path, root.join("a").join("b.camp"));
        for (i, f) in map.files().iter().enumerate() {
            assert_eq!(f.id.0 as usize, i);
        }
    }

    #[test]
    fn an_empty_directory_is_an_empty_map_not_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(load(dir.path()).expect("loads").files().is_empty());
    }

    #[test]
    fn a_missing_directory_names_the_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope");
        let err = load(&missing).expect_err("missing");
        assert!(matches!(err, LoadError::MissingDir { .. }));
        assert!(err.to_string().contains("nope"), "{err}");
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn a_file_is_not_a_project_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "one.camp", b"");
        let err = load(&dir.path().join("one.camp")).expect_err("not a dir");
        assert!(matches!(err, LoadError::NotADir { .. }), "{err}");
    }

    #[test]
    fn a_non_utf8_file_names_the_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "bad.camp", b"ok \xff\xfe");
        let err = load(dir.path()).expect_err("not utf-8");
        assert!(matches!(err, LoadError::NotUtf8 { offset: 3, .. }), "{err}");
        assert!(err.to_string().contains("bad.camp"), "{err}");
    }

    #[test]
    fn of_several_unreadable_files_the_first_in_path_order_is_named() {
        // Files are read in parallel; the error is still the first bad
        // file in the order the project lists them, whichever thread
        // read it first.
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..64 {
            let bad = [5, 23, 40].contains(&i);
            let text: &[u8] = if bad { b"\xff bad" } else { b"// fine" };
            write(dir.path(), &format!("f{i:02}.camp"), text);
        }
        for _ in 0..5 {
            let err = load(dir.path()).expect_err("not utf-8");
            assert!(err.to_string().contains("f05.camp"), "{err}");
        }
    }

    #[test]
    fn dot_components_are_dropped_from_shown_paths() {
        assert_eq!(clean(Path::new("./campaigns")), PathBuf::from("campaigns"));
        assert_eq!(clean(Path::new(".")), PathBuf::from("."));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_skipped() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "sub/a.camp", b"// a");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("sub").join("loop"))
            .expect("symlink");
        let map = load(dir.path()).expect("loads despite the loop");
        let paths: Vec<&str> = map.files().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["sub/a.camp"]);
    }

    #[cfg(unix)]
    #[test]
    fn broken_links_are_skipped_and_a_dangling_camp_link_is_listed() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        write(root, "a.camp", b"// a");
        write(root, "sub/b.camp", b"// b");
        symlink(root.join("gone.txt"), root.join("notes.txt")).expect("dangling link");
        symlink(root.join("self.md"), root.join("self.md")).expect("self loop");
        symlink(root.join("sub/missing"), root.join("sub/dir_gone")).expect("dangling dir link");
        symlink(root.join("old.camp"), root.join("sub/old.camp")).expect("dangling .camp");
        symlink(root.join("loop.camp"), root.join("loop.camp")).expect("looping .camp");
        symlink(root.join("a.camp"), root.join("sub/alias.camp")).expect("good .camp link");
        let loaded = load_project(root).expect("loads despite the broken links");
        let paths: Vec<&str> = loaded
            .sources
            .files()
            .iter()
            .map(|f| f.path.as_str())
            .collect();
        assert_eq!(paths, ["a.camp", "sub/alias.camp", "sub/b.camp"]);
        assert_eq!(
            loaded.dangling,
            vec![root.join("loop.camp"), root.join("sub/old.camp")]
        );
        let warnings = loaded.warnings();
        assert_eq!(warnings.len(), 2);
        assert_eq!(warnings[0].code, DANGLING_CAMP_LINK);
        assert!(
            warnings[1].message.contains("old.camp"),
            "{}",
            warnings[1].message
        );
    }
}
