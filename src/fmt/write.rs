//! Writing a formatted file back so that only its text changes.
//!
//! `fmt` changes text, nothing else about a file: its permissions stay, a
//! symbolic link stays a link (the file it points at is rewritten), hard
//! links stay linked, and nothing outside the project directory is ever
//! written, whatever links lead there. A read-only file is refused: the
//! user made it read-only for a reason.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a file was not written back.
#[derive(Debug)]
pub enum WriteBackError {
    /// The file is read-only (no write permission bit is set).
    ReadOnly,
    /// The file, once links are followed, is outside the project
    /// directory.
    OutsideProject { target: PathBuf, root: PathBuf },
    /// The file system refused.
    Io(io::Error),
}

impl std::fmt::Display for WriteBackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteBackError::ReadOnly => write!(
                f,
                "it is read-only; make it writable (`chmod u+w`) to format it"
            ),
            WriteBackError::OutsideProject { target, root } => write!(
                f,
                "it is reached through a symbolic link and is really `{}`, outside the project \
                 directory `{}`; fmt never writes outside the project",
                target.display(),
                root.display()
            ),
            WriteBackError::Io(err) => write!(f, "cannot write it: {err}"),
        }
    }
}

impl From<io::Error> for WriteBackError {
    fn from(err: io::Error) -> Self {
        WriteBackError::Io(err)
    }
}

/// Where `path` really is, once every symbolic link is followed, if that is
/// inside `canonical_root` (the project directory, canonicalized).
pub fn real_path_inside(canonical_root: &Path, path: &Path) -> Result<PathBuf, WriteBackError> {
    let target = fs::canonicalize(path)?;
    if target.starts_with(canonical_root) {
        Ok(target)
    } else {
        Err(WriteBackError::OutsideProject {
            target,
            root: canonical_root.to_path_buf(),
        })
    }
}

/// Replaces the text of the file at `target` (a real path, links already
/// followed: see [`real_path_inside`]) with `text`, keeping everything
/// else about it.
///
/// A file with one name is replaced atomically: a temporary sibling with
/// the file's permissions is written, flushed and renamed over it, so a
/// crash leaves the old text or the new one. A file with several hard
/// links is rewritten in place instead (a rename would split the links);
/// that write is not atomic.
pub fn write_back(target: &Path, text: &str) -> Result<(), WriteBackError> {
    let meta = fs::metadata(target)?;
    if meta.permissions().readonly() {
        return Err(WriteBackError::ReadOnly);
    }
    if link_count(&meta) > 1 {
        let mut file = OpenOptions::new().write(true).truncate(true).open(target)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        return Ok(());
    }
    let dir = target
        .parent()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a file has a directory"))?;
    let mut tmp_name = target.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(format!(".fmt-{}", std::process::id()));
    let tmp = dir.join(tmp_name);
    let result = (|| -> io::Result<()> {
        let mut file = File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(meta.permissions())?;
        file.sync_all()?;
        fs::rename(&tmp, target)
    })();
    if let Err(err) = result {
        let _ = fs::remove_file(&tmp);
        return Err(err.into());
    }
    Ok(())
}

#[cfg(unix)]
fn link_count(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn link_count(_meta: &fs::Metadata) -> u64 {
    1
}
