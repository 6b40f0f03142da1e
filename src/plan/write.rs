//! Writing a build's outputs: only the files whose bytes changed, each
//! through an atomic rename, all or nothing, and removing the outputs an
//! earlier build produced that this one no longer produces.
//!
//! The rules (docs/cli.md states them for users):
//!
//! - **Write only what changed.** A file whose bytes on disk already equal
//!   the new bytes is not touched (same inode, same mtime). A changed file
//!   is written whole to a temporary sibling (`<name>.tmp-<pid>`) and
//!   renamed over its target, so a reader sees the old file or the new
//!   one, never a part.
//! - **All or nothing.** Every changed file is staged before any is
//!   renamed; a failure while staging (a full disk, a read-only directory,
//!   a directory where a file must go) removes the temporaries and leaves
//!   every old output as it was.
//! - **A manifest.** `out/.campaignc/manifest.json` ([`Manifest`]) lists
//!   every file the last successful build produced with its SHA-256. The
//!   next build removes a listed file that it no longer produces (a
//!   deleted campaign's plan and previews), but only when the file's bytes
//!   still have the listed digest. A file the user changed after the build
//!   wrote it is kept and dropped from the manifest: from then on it is the
//!   user's file. A path the build still produces belongs to the build and
//!   is rewritten whatever it holds (the report names the ones that had
//!   been edited). Nothing that is not listed is ever touched, so a file the
//!   user puts in `out/` survives every build.
//! - **A manifest is never trusted blindly.** One that cannot be read,
//!   is not JSON, has another format version, or lists a path the build
//!   could not have produced (absolute, `..`, outside `plans/`, `previews/`,
//!   `plan.schema.json` and `coverage.md`) is ignored as a whole: nothing
//!   is removed, and the build writes a fresh one. A removal never goes
//!   through a symbolic link to a directory.
//! - **No `fsync`.** The rename makes each file atomic against a crashing
//!   or killed process. Against a power loss nothing is flushed: a file may
//!   come back empty or old. That is cheap to repair, because every build
//!   compares the bytes on disk (not the manifest) with what it would
//!   write, so the next build rewrites any file that is not exactly right.
//!   A build of 20,000 files spent most of its system time in `fsync`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::canonical::sha256_hex;
use super::format::Plan;
use super::schema::{plan_json_schema, to_json};

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
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

fn write_temporary(tmp: &Path, bytes: &[u8]) -> io::Result<()> {
    File::create(tmp)?.write_all(bytes)
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

/// Whether `relative` (with `/` separators) is a path a build can produce
/// under its output directory: `plan.schema.json`, `coverage.md`,
/// `plans/<name>.json`, a `.md` or `.html` file under `previews/`, or a
/// `.js` or `.txt` file in `previews/assets/` (the pages' scripts); no
/// empty, `.`, `..`, hidden or absolute component. [`write_outputs`] writes
/// nothing else, and a manifest listing anything else is ignored, so a
/// forged manifest can never make a build remove a file elsewhere.
pub fn is_output_path(relative: &str) -> bool {
    let parts: Vec<&str> = relative.split('/').collect();
    let plain = |part: &&str| {
        !part.is_empty()
            && !part.starts_with('.')
            && !part.contains(['\\', ':', '\0'])
            && Path::new(part)
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
    };
    if !parts.iter().all(plain) {
        return false;
    }
    match parts.as_slice() {
        ["plan.schema.json"] | ["coverage.md"] => true,
        ["plans", name] => name.ends_with(".json"),
        ["previews", "assets", name] if name.ends_with(".js") || name.ends_with(".txt") => true,
        ["previews", .., name] => name.ends_with(".md") || name.ends_with(".html"),
        _ => false,
    }
}

/// The manifest's key for a path relative to the output directory: its
/// components joined with `/` (also on Windows).
fn key_of(relative: &Path) -> String {
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The version tag a manifest starts with; another one is ignored.
pub const MANIFEST_FORMAT: &str = "campaignc.manifest/v1";

/// What a build wrote in its output directory, stored in
/// `<out>/.campaignc/manifest.json`:
///
/// ```json
/// {
///   "format": "campaignc.manifest/v1",
///   "inputs": "…",
///   "files": { "coverage.md": "<sha256>", "plans/onboarding.json": "<sha256>" }
/// }
/// ```
///
/// Written after every successful build (only when it changed), with the
/// files sorted by path, so the same outputs give the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// A free-form digest of the build's inputs, for a driver that skips a
    /// build whose inputs did not change; `None` (and left out of the file)
    /// unless the driver sets it through [`write_outputs_with_inputs`].
    pub inputs: Option<String>,
    /// Every file the build produced: its path relative to the output
    /// directory (`/`-separated) → lowercase hex SHA-256 of its bytes.
    pub files: BTreeMap<String, String>,
}

/// The manifest's JSON form (internal types never derive `Serialize`).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestJson {
    format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inputs: Option<String>,
    files: BTreeMap<String, String>,
}

impl Manifest {
    /// `<out>/.campaignc/manifest.json`.
    pub fn path(out: &Path) -> PathBuf {
        out.join(".campaignc").join("manifest.json")
    }

    /// Reads the manifest of the output directory `out`: `Ok(None)` when
    /// there is none (a first build), an error when one is there but cannot
    /// be used — unreadable, not JSON, another format version, or listing a
    /// path that is not [`is_output_path`] or a digest that is not 64
    /// lowercase hex digits. A build treats an error like no manifest
    /// (it removes nothing) and writes a fresh one.
    pub fn read(out: &Path) -> Result<Option<Manifest>, ManifestError> {
        let path = Manifest::path(out);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(ManifestError::new(path, e.to_string())),
        };
        Manifest::parse(&text)
            .map(Some)
            .map_err(|why| ManifestError::new(path, why))
    }

    /// Parses a manifest's text (see [`Manifest::read`] for what is refused).
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let json: ManifestJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if json.format != MANIFEST_FORMAT {
            return Err(format!(
                "format `{}`, expected `{MANIFEST_FORMAT}`",
                json.format
            ));
        }
        for (path, digest) in &json.files {
            if !is_output_path(path) {
                return Err(format!("`{path}` is not a path a build writes"));
            }
            let hex = |c: char| c.is_ascii_digit() || ('a'..='f').contains(&c);
            if digest.len() != 64 || !digest.chars().all(hex) {
                return Err(format!("`{path}` has no SHA-256 digest"));
            }
        }
        Ok(Manifest {
            inputs: json.inputs,
            files: json.files,
        })
    }

    /// The manifest as pretty-printed JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let json = ManifestJson {
            format: MANIFEST_FORMAT.to_string(),
            inputs: self.inputs.clone(),
            files: self.files.clone(),
        };
        let mut text = serde_json::to_string_pretty(&json).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Writes the manifest into `out` (atomically, not flushed to disk),
    /// leaving the file untouched when it already holds these bytes.
    pub fn write(&self, out: &Path) -> io::Result<()> {
        let path = Manifest::path(out);
        let text = self.to_json();
        if same_bytes(&path, text.as_bytes()) {
            return Ok(());
        }
        let tmp = stage(&path, text.as_bytes())?;
        fs::rename(&tmp, &path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }
}

/// Why a manifest was ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    pub path: PathBuf,
    pub why: String,
}

impl ManifestError {
    fn new(path: PathBuf, why: String) -> ManifestError {
        ManifestError { path, why }
    }
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ignored {}: {}", self.path.display(), self.why)
    }
}

impl std::error::Error for ManifestError {}

/// What [`write_outputs`] did. Paths are under the output directory, in
/// the order of the build's files (removals in manifest order).
#[derive(Debug, Default)]
pub struct WriteReport {
    /// Files written because they were new or their bytes changed.
    pub written: Vec<PathBuf>,
    /// Files whose bytes on disk were already right: not touched.
    pub unchanged: Vec<PathBuf>,
    /// Outputs of an earlier build that this build no longer produces.
    pub removed: Vec<PathBuf>,
    /// Outputs of an earlier build that this build no longer produces but
    /// that were changed after that build wrote them: kept, and forgotten
    /// (no longer in the manifest).
    pub kept: Vec<PathBuf>,
    /// Files this build replaced that did not hold what the previous
    /// build wrote: changed since, or not written by it at all (a path the
    /// build produces is the build's). Also in `written`. Empty on a first
    /// build (no manifest), which cannot tell.
    pub overwritten_edits: Vec<PathBuf>,
    /// The previous manifest, when it was there but could not be used
    /// (nothing was removed).
    pub manifest_ignored: Option<ManifestError>,
}

impl WriteReport {
    /// "wrote 3 files, 2 unchanged, 1 removed" (the parts that are not
    /// zero; "nothing changed" when nothing was written or removed).
    pub fn summary(&self) -> String {
        let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        if !self.written.is_empty() {
            parts.push(format!("wrote {}", count(self.written.len(), "file")));
        }
        if !self.unchanged.is_empty() {
            parts.push(format!("{} unchanged", self.unchanged.len()));
        }
        if !self.removed.is_empty() {
            parts.push(format!("{} removed", self.removed.len()));
        }
        if self.written.is_empty() && self.removed.is_empty() {
            parts.insert(0, "nothing changed".to_string());
        }
        parts.join(", ")
    }
}

/// [`write_outputs_with_inputs`] with no inputs digest.
pub fn write_outputs(out: &Path, files: &[(PathBuf, String)]) -> Result<WriteReport, WriteError> {
    write_outputs_with_inputs(out, files, None)
}

/// Writes a build's files (paths relative to `out`) by the rules of this
/// module: compare each with the bytes on disk (in parallel) and stage the
/// changed ones as temporary siblings; then rename them all over their
/// targets; then remove the outputs of the previous build that `files` no
/// longer holds (those still as that build wrote them); then write the
/// manifest, recording `inputs`. Any failure is a [`WriteError`] naming
/// the file: before the renames it leaves the previous outputs as they
/// were; after them, the manifest is not updated, so the next build tries
/// again. A path in `files` that is not [`is_output_path`] is refused
/// before anything is written.
pub fn write_outputs_with_inputs<S: AsRef<str> + Sync>(
    out: &Path,
    files: &[(PathBuf, S)],
    inputs: Option<&str>,
) -> Result<WriteReport, WriteError> {
    let mut keys = Vec::with_capacity(files.len());
    for (relative, _) in files {
        let key = key_of(relative);
        if !is_output_path(&key) {
            return Err(WriteError {
                path: out.join(relative),
                source: io::Error::new(io::ErrorKind::InvalidInput, "not a build output path"),
            });
        }
        keys.push(key);
    }
    let mut report = WriteReport::default();
    let previous = match Manifest::read(out) {
        Ok(manifest) => manifest,
        Err(err) => {
            report.manifest_ignored = Some(err);
            None
        }
    };

    // Compare and stage, in parallel; results in file order, so the error
    // reported is the first one in that order whatever the thread count.
    // The manifest's digests are computed on the same threads.
    let staged: Vec<Result<(Staged, String), WriteError>> = files
        .par_iter()
        .zip(&keys)
        .map(|((relative, text), key)| {
            let previous = previous
                .as_ref()
                .map(|m| m.files.get(key).map(String::as_str));
            let text = text.as_ref();
            compare_and_stage(&out.join(relative), text.as_bytes(), previous)
                .map(|staged| (staged, sha256_hex(text)))
        })
        .collect();
    let mut first_error = None;
    let mut ready = Vec::with_capacity(staged.len());
    for result in staged {
        match result {
            Ok(staged) => ready.push(staged),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    if let Some(err) = first_error {
        remove_temporaries(ready.iter().filter_map(|(s, _)| match s {
            Staged::Changed { tmp, .. } => Some(tmp),
            Staged::Unchanged => None,
        }));
        return Err(err);
    }

    // Swap: rename every staged file over its target.
    let mut manifest = Manifest {
        inputs: inputs.map(str::to_string),
        files: BTreeMap::new(),
    };
    let mut pending: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (((relative, _), key), (staged, digest)) in files.iter().zip(&keys).zip(ready) {
        let path = out.join(relative);
        manifest.files.insert(key.clone(), digest);
        match staged {
            Staged::Unchanged => report.unchanged.push(path),
            Staged::Changed { tmp, edited } => {
                if edited {
                    report.overwritten_edits.push(path.clone());
                }
                pending.push((tmp, path));
            }
        }
    }
    for (i, (tmp, path)) in pending.iter().enumerate() {
        if let Err(source) = fs::rename(tmp, path) {
            // Staging checked that every target can be replaced, so this
            // is an unusual failure (the directory changed under us).
            remove_temporaries(pending[i..].iter().map(|(tmp, _)| tmp));
            return Err(WriteError {
                path: path.clone(),
                source,
            });
        }
    }
    for (_, path) in pending {
        report.written.push(path);
    }

    // Remove what the previous build produced and this one does not.
    let produced: BTreeSet<&str> = keys.iter().map(String::as_str).collect();
    for (key, digest) in previous.iter().flat_map(|m| &m.files) {
        if produced.contains(key.as_str()) {
            continue;
        }
        match remove_stale(out, key, digest) {
            Ok(Removal::Removed(path)) => report.removed.push(path),
            Ok(Removal::Kept(path)) => report.kept.push(path),
            Ok(Removal::Gone) => {}
            Err(err) => return Err(err),
        }
    }

    manifest.write(out).map_err(|source| WriteError {
        path: Manifest::path(out),
        source,
    })?;
    Ok(report)
}

/// One build file after comparing it with the disk.
enum Staged {
    /// The file on disk already holds these bytes.
    Unchanged,
    /// The new bytes are in the temporary file `tmp`; `edited`: the file
    /// on disk is not what the previous build wrote there.
    Changed { tmp: PathBuf, edited: bool },
}

/// Compares `path` with `bytes` and, when they differ, stages `bytes`.
/// `previous` is what the previous manifest says of `path`: `None`, no
/// manifest; `Some(None)`, not listed; `Some(Some(digest))`, written with
/// that digest. An existing file that has neither the new bytes nor the
/// listed digest (or is not listed) is marked `edited`.
fn compare_and_stage(
    path: &Path,
    bytes: &[u8],
    previous: Option<Option<&str>>,
) -> Result<Staged, WriteError> {
    let mut edited = false;
    if let Some((mut file, len)) = open_regular(path) {
        let listed = previous.flatten();
        // A file of another size differs; only hash it to tell an edit.
        if len == bytes.len() as u64 || listed.is_some() {
            let mut on_disk = Vec::with_capacity(len as usize);
            if file.read_to_end(&mut on_disk).is_ok() {
                if on_disk == bytes {
                    return Ok(Staged::Unchanged);
                }
                edited = listed.is_some_and(|d| sha256_hex(&on_disk) != d);
            }
        }
        // A file the previous build did not write is someone else's.
        edited |= previous == Some(None);
    }
    match stage(path, bytes) {
        Ok(tmp) => Ok(Staged::Changed { tmp, edited }),
        Err(source) => Err(WriteError {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// `path` opened for reading, with its size, when it is a regular file
/// (or a link to one).
fn open_regular(path: &Path) -> Option<(File, u64)> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta.len()))
}

/// Whether `path` is a regular file (or a link to one) holding exactly
/// `bytes`. Reads nothing when the sizes differ.
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    let Some((mut file, len)) = open_regular(path) else {
        return false;
    };
    if len != bytes.len() as u64 {
        return false;
    }
    let mut on_disk = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut on_disk).is_ok() && on_disk == bytes
}

/// Writes `bytes` to a temporary sibling of `path` (creating missing parent
/// directories) and returns the temporary's path. Fails, writing nothing,
/// when `path` is a directory: the rename could not replace it. The data
/// is not flushed to disk (see the module's documentation).
fn stage(path: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
    let dir = parent_dir(path);
    fs::create_dir_all(&dir)?;
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "a directory is in the way",
        ));
    }
    let tmp = temporary_path(&dir, path)?;
    if let Err(err) = write_temporary(&tmp, bytes) {
        let _ = fs::remove_file(&tmp);
        return Err(err);
    }
    Ok(tmp)
}

fn remove_temporaries<'a>(temporaries: impl Iterator<Item = &'a PathBuf>) {
    for tmp in temporaries {
        let _ = fs::remove_file(tmp);
    }
}

/// What became of an output the build no longer produces.
enum Removal {
    Removed(PathBuf),
    /// Changed since the build wrote it, or not a regular file: left alone.
    Kept(PathBuf),
    /// Not there any more (or not reachable without following a link).
    Gone,
}

/// Removes `<out>/<key>` when it is a regular file whose bytes have
/// `digest`, then the directories under `plans/` or `previews/` that this
/// leaves empty. `key` is an [`is_output_path`] (the manifest was checked);
/// no directory on the way may be a symbolic link.
fn remove_stale(out: &Path, key: &str, digest: &str) -> Result<Removal, WriteError> {
    let parts: Vec<&str> = key.split('/').collect();
    let mut dir = out.to_path_buf();
    for part in &parts[..parts.len() - 1] {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            _ => return Ok(Removal::Gone),
        }
    }
    let path = dir.join(parts[parts.len() - 1]);
    match fs::symlink_metadata(&path) {
        Ok(meta) if meta.is_file() => {}
        Ok(_) => return Ok(Removal::Kept(path)),
        Err(_) => return Ok(Removal::Gone),
    }
    let unchanged = fs::read(&path).is_ok_and(|bytes| sha256_hex(&bytes) == digest);
    if !unchanged {
        return Ok(Removal::Kept(path));
    }
    fs::remove_file(&path).map_err(|source| WriteError {
        path: path.clone(),
        source,
    })?;
    // Empty directories the build made (`previews/<campaign>/`), never
    // `plans/`, `previews/` or `out` themselves; a directory that is not
    // empty stays (remove_dir refuses it).
    let mut parent = path.parent();
    for _ in 2..parts.len() {
        let Some(dir) = parent else { break };
        if fs::remove_dir(dir).is_err() {
            break;
        }
        parent = dir.parent();
    }
    Ok(Removal::Removed(path))
}

/// Refuses an output directory that is the project directory or contains
/// it: a build would write its plans and previews among the `.camp` files
/// (and a watch that ignores changes under the output directory would
/// ignore every edit). An output directory inside the project is allowed:
/// the loader reads only `*.camp` files and a build writes none, so the
/// outputs never become inputs. Both paths are compared after resolving
/// symbolic links and `..` (the parts that do not exist yet lexically).
/// `build` and `watch` call this before anything else.
pub fn check_out_dir(project: &Path, out: &Path) -> Result<(), OutDirError> {
    let resolved_project = resolve(project).map_err(|error| OutDirError::Io {
        path: project.to_path_buf(),
        error,
    })?;
    let resolved_out = resolve(out).map_err(|error| OutDirError::Io {
        path: out.to_path_buf(),
        error,
    })?;
    if resolved_project.starts_with(&resolved_out) {
        return Err(OutDirError::HoldsProject {
            project: project.to_path_buf(),
            out: out.to_path_buf(),
            same: resolved_project == resolved_out,
        });
    }
    Ok(())
}

/// `path` made absolute, its longest existing prefix canonicalized
/// (symbolic links resolved) and the rest normalised lexically.
fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let parts: Vec<Component> = absolute.components().collect();
    // The longest prefix that exists, with its links resolved…
    let (mut resolved, rest) = (0..=parts.len())
        .rev()
        .find_map(|n| {
            let prefix: PathBuf = parts[..n].iter().collect();
            fs::canonicalize(&prefix).ok().map(|p| (p, &parts[n..]))
        })
        .unwrap_or_else(|| (PathBuf::new(), &parts[..]));
    // …then the parts that do not exist yet, lexically.
    for part in rest {
        match part {
            Component::ParentDir => {
                resolved.pop();
            }
            Component::CurDir => {}
            other => resolved.push(other),
        }
    }
    Ok(resolved)
}

/// Why [`check_out_dir`] refused an output directory.
#[derive(Debug)]
pub enum OutDirError {
    /// The output directory is the project directory (`same`) or contains it.
    HoldsProject {
        project: PathBuf,
        out: PathBuf,
        same: bool,
    },
    /// A path could not be made absolute (the current directory is gone).
    Io { path: PathBuf, error: io::Error },
}

impl std::fmt::Display for OutDirError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutDirError::HoldsProject { project, out, same } => {
                let relation = if *same { "is" } else { "contains" };
                write!(
                    f,
                    "the output directory {} {relation} the project directory {}: \
                     plans and previews would be written among the .camp files\n\
                     help: use a directory beside the project or inside it, \
                     e.g. `--out {}`",
                    out.display(),
                    project.display(),
                    project.join("out").display()
                )
            }
            OutDirError::Io { path, error } => {
                write!(f, "cannot resolve {}: {error}", path.display())
            }
        }
    }
}

impl std::error::Error for OutDirError {}

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

    fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn staging_over_a_directory_fails_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blocked.json");
        fs::create_dir_all(path.join("inside")).expect("mkdir");
        assert!(stage(&path, b"x").is_err());
        assert_eq!(names_in(dir.path()), vec!["blocked.json"]);
    }

    #[test]
    fn staging_writes_a_sibling_and_leaves_the_target_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("a/b.json");
        let tmp = stage(&path, b"two").expect("staged");
        assert_eq!(tmp.parent(), path.parent());
        assert_eq!(fs::read(&tmp).expect("read"), b"two");
        assert!(!path.exists());
    }

    #[test]
    fn output_paths_are_the_build_layout_and_nothing_else() {
        for good in [
            "plan.schema.json",
            "coverage.md",
            "plans/onboarding.json",
            "previews/onboarding.md",
            "previews/index.html",
            "previews/onboarding/welcome.pt-BR.html",
            "previews/assets/mermaid.min.js",
            "previews/assets/mermaid.LICENSE.txt",
        ] {
            assert!(is_output_path(good), "{good}");
        }
        for bad in [
            "",
            "notes.txt",
            "/etc/passwd",
            "../x",
            "plans/../../x.json",
            "plans/./a.json",
            "plans//a.json",
            "plans/a/b.json",
            "plans/a.md",
            "previews/../../x.md",
            "previews/.hidden.md",
            "previews/a.txt",
            "previews/a.js",
            "previews/x/assets/a.js",
            ".campaignc/manifest.json",
            "C:/x/plans/a.json",
            "plans\\..\\x.json",
        ] {
            assert!(!is_output_path(bad), "{bad}");
        }
    }

    #[test]
    fn a_manifest_round_trips_and_foreign_ones_are_refused() {
        let mut files = BTreeMap::new();
        files.insert("plans/a.json".to_string(), sha256_hex("a"));
        files.insert("coverage.md".to_string(), sha256_hex("c"));
        let manifest = Manifest {
            inputs: Some("digest".into()),
            files,
        };
        let text = manifest.to_json();
        assert!(text.starts_with("{\n  \"format\": \"campaignc.manifest/v1\""));
        assert_eq!(Manifest::parse(&text), Ok(manifest.clone()));
        let no_inputs = Manifest {
            inputs: None,
            ..manifest
        };
        assert!(!no_inputs.to_json().contains("inputs"));

        let digest = sha256_hex("x");
        for bad in [
            "not json".to_string(),
            r#"{"format":"campaignc.manifest/v2","files":{}}"#.to_string(),
            r#"{"files":{}}"#.to_string(),
            format!(r#"{{"format":"campaignc.manifest/v1","files":{{"../x":"{digest}"}}}}"#),
            format!(r#"{{"format":"campaignc.manifest/v1","files":{{"/tmp/x":"{digest}"}}}}"#),
            r#"{"format":"campaignc.manifest/v1","files":{"plans/a.json":"abc"}}"#.to_string(),
            r#"{"format":"campaignc.manifest/v1","files":{},"extra":1}"#.to_string(),
        ] {
            assert!(Manifest::parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_summary_counts_what_happened() {
        let mut report = WriteReport::default();
        assert_eq!(report.summary(), "nothing changed");
        report.unchanged = vec![PathBuf::from("a"), PathBuf::from("b")];
        assert_eq!(report.summary(), "nothing changed, 2 unchanged");
        report.written = vec![PathBuf::from("c")];
        report.removed = vec![PathBuf::from("d"), PathBuf::from("e")];
        assert_eq!(report.summary(), "wrote 1 file, 2 unchanged, 2 removed");
    }

    #[test]
    fn an_output_directory_may_not_hold_the_project() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        let project = root.join("campaigns");
        fs::create_dir_all(&project).expect("mkdir");
        let refused = |out: &Path| check_out_dir(&project, out).is_err();
        assert!(refused(root));
        assert!(refused(&project));
        assert!(refused(&project.join("flows/..")));
        assert!(
            refused(&root.join("new/..")),
            "a part that does not exist yet"
        );
        assert!(!refused(&root.join("out")));
        assert!(
            !refused(&project.join("out")),
            "inside the project is allowed"
        );
        assert!(
            !refused(&root.join("campaigns-out")),
            "a prefix is not a parent"
        );
        #[cfg(unix)]
        {
            let link = root.join("link");
            std::os::unix::fs::symlink(&project, &link).expect("symlink");
            assert!(refused(&link), "a link to the project is the project");
        }
        let message = check_out_dir(&project, root)
            .expect_err("refused")
            .to_string();
        assert!(
            message.contains("contains the project directory"),
            "{message}"
        );
    }
}
