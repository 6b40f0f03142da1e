//! Writing build outputs so that an interrupted build never leaves a
//! half-written file, and a failed build never leaves new plans next to
//! old previews: every file is written to a temporary sibling and flushed
//! to disk first, and only then are they all renamed over their targets
//! (rename is atomic within one directory). Files in the output directory
//! that the build does not write are never touched.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::format::Plan;
use super::schema::{plan_json_schema, to_json};

/// Writes `bytes` to `path` atomically: readers see the old file or the
/// whole new one, never a part. Creates missing parent directories. On
/// failure the temporary file is removed and the target is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    let tmp = temporary_path(&dir, path)?;

    let result = write_and_sync(&tmp, bytes).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
        return result;
    }
    // Make the rename itself durable where the platform allows it; a
    // failure here does not undo the (already visible) write.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// `<name>.tmp-<pid>` next to `path`, in `dir`.
fn temporary_path(dir: &Path, path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    Ok(dir.join(tmp_name))
}

fn write_and_sync(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = File::create(tmp)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The path of a campaign's plan under the output directory.
pub fn plan_path(out: &Path, campaign: &str) -> PathBuf {
    out.join("plans").join(format!("{campaign}.json"))
}

/// The path of the plan JSON Schema under the output directory.
pub fn schema_path(out: &Path) -> PathBuf {
    out.join("plan.schema.json")
}

/// The plan files of a build, relative to the output directory:
/// `plans/<campaign>.json` for every plan, then `plan.schema.json`.
pub fn plan_files(plans: &[Plan]) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = plans
        .iter()
        .map(|plan| (plan_path(Path::new(""), &plan.campaign), to_json(plan)))
        .collect();
    files.push((schema_path(Path::new("")), plan_json_schema()));
    files
}

/// Writes `plans/<campaign>.json` for every plan and `plan.schema.json`
/// under `out`, all or nothing (see [`write_outputs`]).
pub fn write_plans(out: &Path, plans: &[Plan]) -> Result<Vec<PathBuf>, WriteError> {
    write_outputs(out, &plan_files(plans))
}

/// Writes a build's files (paths relative to `out`) so that a failure
/// never mixes versions: every file is first written whole to a temporary
/// sibling and flushed (stage), and only when all of them are written are
/// they renamed over their targets (swap). A failure while staging, the
/// likely kind (a full disk, a read-only directory, a file where a
/// directory must go), removes the temporaries and leaves every old output
/// as it was. Files in `out` that the build does not produce are never
/// touched. Returns the paths written.
pub fn write_outputs(out: &Path, files: &[(PathBuf, String)]) -> Result<Vec<PathBuf>, WriteError> {
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    for (relative, text) in files {
        let path = out.join(relative);
        match stage(&path, text.as_bytes()) {
            Ok(tmp) => staged.push((tmp, path)),
            Err(source) => {
                remove_temporaries(&staged);
                return Err(WriteError { path, source });
            }
        }
    }
    let mut written = Vec::with_capacity(staged.len());
    for (i, (tmp, path)) in staged.iter().enumerate() {
        if let Err(source) = fs::rename(tmp, path) {
            // Staging checked that every target can be replaced, so this
            // is an unusual failure (the directory changed under us).
            remove_temporaries(&staged[i..]);
            return Err(WriteError {
                path: path.clone(),
                source,
            });
        }
        written.push(path.clone());
    }
    let mut dirs: Vec<&Path> = written.iter().filter_map(|p| p.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        // Make the renames durable where the platform allows it.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(written)
}

/// Writes `bytes` to a temporary sibling of `path` (creating missing parent
/// directories) and returns the temporary's path. Fails, writing nothing,
/// when `path` is a directory: the rename could not replace it.
fn stage(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir)?;
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a directory is in the way",
        ));
    }
    let tmp = temporary_path(&dir, path)?;
    if let Err(err) = write_and_sync(&tmp, bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(err);
    }
    Ok(tmp)
}

fn remove_temporaries(staged: &[(PathBuf, PathBuf)]) {
    for (tmp, _) in staged {
        let _ = fs::remove_file(tmp);
    }
}

/// A file that could not be written.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b.json");
        write_atomic(&path, b"one").expect("first write");
        write_atomic(&path, b"two").expect("second write");
        assert_eq!(fs::read(&path).expect("read"), b"two");
        let names: Vec<_> = fs::read_dir(dir.path().join("a"))
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.json")]);
    }

    #[test]
    fn a_failed_rename_removes_the_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blocked.json");
        fs::create_dir_all(path.join("inside")).expect("mkdir");
        assert!(write_atomic(&path, b"x").is_err());
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("blocked.json")]);
    }
}
