//! Writing build outputs so that an interrupted build never leaves a
//! half-written file: each file is written to a temporary sibling, flushed
//! to disk, then renamed over its target (rename is atomic within one
//! directory). Files in the output directory that the build does not
//! write are never touched.

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
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", std::process::id()));
    let tmp = dir.join(tmp_name);

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

/// Writes `plans/<campaign>.json` for every plan and `plan.schema.json`
/// under `out`. Stops at the first failure, naming the file; the files
/// written before it are complete.
pub fn write_plans(out: &Path, plans: &[Plan]) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::with_capacity(plans.len() + 1);
    for plan in plans {
        let path = plan_path(out, &plan.campaign);
        write_atomic(&path, to_json(plan).as_bytes()).map_err(|source| WriteError {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    let path = schema_path(out);
    write_atomic(&path, plan_json_schema().as_bytes()).map_err(|source| WriteError {
        path: path.clone(),
        source,
    })?;
    written.push(path);
    Ok(written)
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
