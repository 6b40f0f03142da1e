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
//! - **Metadata as a shortcut, never as the truth.** Next to the manifest,
//!   `out/.campaignc/stat` ([`StatCache`]) remembers each output's device,
//!   inode, size and modification time as the build left it, with its
//!   digest. A file whose metadata is still exactly that, and that was not
//!   written in the same clock tick as the cache itself, holds what the
//!   build wrote, so it is neither read nor hashed again (the way `git
//!   status` trusts its index). Anything else (no cache, another file,
//!   a touched or replaced file) is read and compared as above. Deleting
//!   the cache only makes the next build read every output.
//! - **A writer that stays** (the workspace under `watch`) keeps the
//!   manifest and stat cache it wrote in memory ([`WriteMemo`]) and uses
//!   them while their files on disk keep the metadata they had when it
//!   wrote them; anything else makes it read them again, as a new process
//!   would. It also keeps each output's digest while the output's text is
//!   the same shared string, rather than hashing every output again.
//! - **Events instead of metadata, for a writer that watches.** `watch`
//!   also watches the output directory and reports every path that
//!   changes there ([`WriteMemo::touched`]); its memo is then *trusting*
//!   ([`WriteMemo::trust`]): an output it wrote and that no report named
//!   since is taken as it left it without a `stat`, and a reported one is
//!   read and hashed (its own writes are reported too, and stay trusted
//!   when their bytes are still its). Lost events, or the output
//!   directory removed or made again, make it look at every output again
//!   ([`WriteMemo::distrust`]). It leaves the stat cache file as it was,
//!   so a later `build` reads the outputs written since. While no report
//!   named an output since its last build, such a memo works from its
//!   records of that build's files: it hashes only the texts that are not
//!   the last build's strings, stages those whose digest changed, compares
//!   new paths with the disk, removes the paths no longer built (when they
//!   still hold what was written) and updates the manifest in place. The
//!   same files on disk as the full comparison, without a pass over every
//!   output's records.

use std::collections::{BTreeMap, HashMap};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Deserialize;

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
    // The process id is asked once: every call is a system call.
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let mut tmp_name = name.to_os_string();
    tmp_name.push(format!(".tmp-{}", PID.get_or_init(std::process::id)));
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
    // A part that is not empty, does not start with a dot (`.`, `..`,
    // hidden files) and has no separator or drive letter is a plain name
    // on every platform.
    let plain = |part: &str| {
        !part.is_empty() && !part.starts_with('.') && !part.contains(['\\', ':', '\0'])
    };
    let parts: Vec<&str> = relative.split('/').collect();
    if !parts.iter().all(|part| plain(part)) {
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
#[derive(Deserialize)]
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

    /// The manifest as pretty-printed JSON (as `serde_json` prints it),
    /// ending in a newline. Written out directly: the watch writes it
    /// after every edit, and a project of 1,000 campaigns lists 15,000
    /// files.
    pub fn to_json(&self) -> String {
        /// `text` as a JSON string: plain paths and hex digests as they
        /// are, anything else through `serde_json`.
        fn string(out: &mut String, text: &str) {
            // Folded without a short cut, so the compiler checks many
            // bytes at a time (15,000 paths and digests per build).
            let plain = text.bytes().fold(true, |plain, b| {
                plain & (b >= 0x20) & (b != b'"') & (b != b'\\')
            });
            if plain {
                out.push('"');
                out.push_str(text);
                out.push('"');
            } else {
                out.push_str(&serde_json::to_string(text).unwrap_or_default());
            }
        }
        let mut text = String::with_capacity(64 + self.files.len() * 110);
        text.push_str("{\n  \"format\": ");
        string(&mut text, MANIFEST_FORMAT);
        if let Some(inputs) = &self.inputs {
            text.push_str(",\n  \"inputs\": ");
            string(&mut text, inputs);
        }
        text.push_str(",\n  \"files\": {");
        for (n, (path, digest)) in self.files.iter().enumerate() {
            text.push_str(if n == 0 { "\n    " } else { ",\n    " });
            string(&mut text, path);
            text.push_str(": ");
            string(&mut text, digest);
        }
        text.push_str(if self.files.is_empty() {
            "}\n}\n"
        } else {
            "\n  }\n}\n"
        });
        text
    }

    /// Writes the manifest into `out` (atomically, not flushed to disk),
    /// leaving the file untouched when it already holds these bytes.
    pub fn write(&self, out: &Path) -> io::Result<()> {
        self.write_compared(out, true)
    }

    /// [`Manifest::write`]; `compare`: false when the caller knows the
    /// file holds another manifest.
    fn write_compared(&self, out: &Path, compare: bool) -> io::Result<()> {
        let path = Manifest::path(out);
        let text = self.to_json();
        if compare && same_bytes(&path, text.as_bytes()) {
            return Ok(());
        }
        let tmp = stage(&path, text.as_bytes())?;
        fs::rename(&tmp, &path).inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })
    }
}

/// The version tag the stat cache starts with; another one is ignored.
const STAT_FORMAT: &str = "campaignc.stat/v1";

/// A file's identity and state by its metadata: device, inode, size,
/// and modification and status-change times in nanoseconds. Writing
/// changes both times (and usually the size), replacing changes the
/// inode, and a tool that sets the modification time back still changes
/// the status-change time, which no user can set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    dev: u64,
    ino: u64,
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl FileStat {
    /// The metadata of a regular file; `None` for anything else, or where
    /// the platform gives no inode (then every output is read, as before
    /// the cache).
    pub fn of(meta: &fs::Metadata) -> Option<FileStat> {
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileStat {
                dev: meta.dev(),
                ino: meta.ino(),
                size: meta.size(),
                mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
                ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            None
        }
    }
}

/// `<out>/.campaignc/stat`: each output's [`FileStat`] and digest as the
/// last build left it, one line per file (`dev ino size mtime_ns
/// ctime_ns sha256 path`) after a format line. Machine-local and only a shortcut (see the
/// module's documentation): it is written after the manifest, and any
/// line that does not match the disk, the manifest or the format is as if
/// it were not there.
#[derive(Debug, Default)]
pub struct StatCache {
    files: HashMap<String, (FileStat, String)>,
    /// The cache file's own modification time: a file modified or
    /// renamed in the same clock tick or later may have changed after it
    /// was recorded (file times are coarse), so it is not trusted.
    written: Option<i128>,
}

impl StatCache {
    /// `<out>/.campaignc/stat`.
    pub fn path(out: &Path) -> PathBuf {
        out.join(".campaignc").join("stat")
    }

    /// The cache in `out`; empty when there is none or it cannot be used.
    pub fn read(out: &Path) -> StatCache {
        let path = StatCache::path(out);
        let Ok(text) = fs::read_to_string(&path) else {
            return StatCache::default();
        };
        let Some(written) = fs::metadata(&path)
            .ok()
            .as_ref()
            .and_then(FileStat::of)
            .map(|s| s.mtime_ns)
        else {
            return StatCache::default();
        };
        let mut lines = text.lines();
        if lines.next() != Some(STAT_FORMAT) {
            return StatCache::default();
        }
        let mut files = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(7, ' ');
            let mut number = || parts.next().and_then(|p| p.parse::<i128>().ok());
            let (Some(dev), Some(ino), Some(size), Some(mtime_ns), Some(ctime_ns)) =
                (number(), number(), number(), number(), number())
            else {
                return StatCache::default();
            };
            let (Some(digest), Some(key)) = (parts.next(), parts.next()) else {
                return StatCache::default();
            };
            let stat = FileStat {
                dev: dev as u64,
                ino: ino as u64,
                size: size as u64,
                mtime_ns,
                ctime_ns,
            };
            files.insert(key.to_string(), (stat, digest.to_string()));
        }
        StatCache {
            files,
            written: Some(written),
        }
    }

    /// The metadata of `path` (the output `key`) when it is exactly what
    /// this cache recorded with `digest`, and was recorded safely before
    /// the cache was written: then the file holds bytes with that digest.
    pub fn clean(&self, key: &str, digest: &str, path: &Path) -> Option<FileStat> {
        let (recorded, recorded_digest) = self.files.get(key)?;
        let written = self.written?;
        if recorded_digest != digest || recorded.mtime_ns >= written || recorded.ctime_ns >= written
        {
            return None;
        }
        let now = stat_of(path)?;
        (now == *recorded).then_some(now)
    }

    /// Whether some entry was recorded in the cache's own clock tick (and
    /// so is not trusted: see [`StatCache::clean`]).
    fn has_racy(&self) -> bool {
        self.written.is_some_and(|written| {
            self.files
                .values()
                .any(|(stat, _)| stat.mtime_ns >= written || stat.ctime_ns >= written)
        })
    }

    /// The cache file's text for `entries`: `(key, metadata, digest)`.
    fn text<'a>(entries: impl Iterator<Item = (&'a str, FileStat, &'a str)>) -> String {
        use std::fmt::Write as _;
        let mut text = String::with_capacity(64 + 128 * entries.size_hint().1.unwrap_or(0));
        text.push_str(STAT_FORMAT);
        text.push('\n');
        for (key, stat, digest) in entries {
            let _ = writeln!(
                text,
                "{} {} {} {} {} {digest} {key}",
                stat.dev, stat.ino, stat.size, stat.mtime_ns, stat.ctime_ns
            );
        }
        text
    }

    /// Writes the cache `text` into `out`, unless it holds these bytes
    /// already and `refresh` is false.
    fn write_text(out: &Path, text: &str, refresh: bool) -> io::Result<()> {
        let path = StatCache::path(out);
        // Like the manifest, left alone when nothing changed; but written
        // again (a later time) when the old one recorded files in its own
        // clock tick, so that they are trusted from now on.
        if !refresh && same_bytes(&path, text.as_bytes()) {
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
    /// How many files' bytes on disk were already right: not touched.
    pub unchanged: usize,
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
        if self.unchanged > 0 {
            parts.push(format!("{} unchanged", self.unchanged));
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
pub fn write_outputs_with_inputs<P: AsRef<Path> + Sync, S: AsRef<str> + Sync>(
    out: &Path,
    files: &[(P, S)],
    inputs: Option<&str>,
) -> Result<WriteReport, WriteError> {
    let digest_all = || {
        files
            .par_iter()
            .map(|(_, text)| sha256_hex(text.as_ref()))
            .collect()
    };
    let keys = output_keys(out, files)?;
    let (digests, dirs) = digests_and_directories(out, files, None, digest_all);
    write_digested(out, files, keys, digests, dirs, inputs, None)
}

/// The manifest key of each of `files` ([`output_key`]), in parallel;
/// the first refused path in file order is the error. Nothing is written
/// before every path has its key.
fn output_keys<P: AsRef<Path> + Sync, S: Sync>(
    out: &Path,
    files: &[(P, S)],
) -> Result<Vec<String>, WriteError> {
    let keys: Vec<Result<String, WriteError>> = files
        .par_iter()
        .map(|(relative, _)| output_key(out, relative.as_ref()))
        .collect();
    keys.into_iter().collect()
}

/// `digest_all()`, and, when `out` has no previous build (no manifest in
/// `memo` nor on disk), the directories of all `files` made meanwhile.
/// Every file of such a build is compared with the disk, so all their
/// directories are needed; making them (one at a time: the file system
/// locks the parent) no longer waits for the hashing, nor the other core
/// for it. With a previous build, only the directories of the changed
/// files are made, later (`None`).
fn digests_and_directories<P: AsRef<Path> + Sync, S: Sync>(
    out: &Path,
    files: &[(P, S)],
    memo: Option<&WriteMemo>,
    digest_all: impl FnOnce() -> Vec<String> + Send,
) -> (Vec<String>, Option<Directories>) {
    let remembered = memo.is_some_and(|m| m.out.as_deref() == Some(out) && m.manifest.is_some());
    if remembered || Manifest::path(out).exists() {
        return (digest_all(), None);
    }
    let (digests, dirs) = rayon::join(digest_all, || Directories::make(out, files));
    (digests, Some(dirs))
}

/// What a caller that builds into the same directory again and again (the
/// workspace under `watch`) keeps between its builds, so that a build
/// after a small edit costs what the edit changed: the manifest and the
/// stat cache as this memo's last build left them, used instead of reading
/// them back while their files on disk still have the metadata they had
/// then (any other build or edit changes it), and the digest of each
/// output text, reused while the text is the same shared string.
#[derive(Debug, Default)]
pub struct WriteMemo {
    out: Option<PathBuf>,
    manifest: Option<(FileStat, Manifest)>,
    stats: Option<(FileStat, StatCache)>,
    /// The last build's files, in its order: each path, its text (held, so
    /// no other text can take its address while it is here) and the
    /// text's digest, reused while the text is the same shared string.
    previous: Vec<(Arc<Path>, Arc<str>, String)>,
    /// Whether the manifest and stat cache above record every output of
    /// `previous` as this memo's last build left it, and no report
    /// ([`WriteMemo::touched`]) named one since: then a build of the same
    /// paths only writes the files whose digest changed.
    settled: bool,
    /// Whether the caller reports every change under the output directory
    /// ([`WriteMemo::touched`]): then an output this memo wrote and that
    /// no report named since is taken as it was left, without a `stat`.
    trusting: bool,
}

impl WriteMemo {
    /// Trusts the outputs this memo's builds leave, from now on (or no
    /// longer, with `false`): the
    /// caller promises to pass every path under the output directory that
    /// changes to [`WriteMemo::touched`] (or to call
    /// [`WriteMemo::distrust`] when it may have missed some), before the
    /// next build. A build then looks at the disk only for the outputs it
    /// writes and for those reported, rather than for all of them.
    pub fn trust(&mut self, trust: bool) {
        self.trusting = trust;
    }

    /// Looks at the disk again for every output at the next build, as a
    /// new process would (events may have been lost).
    pub fn distrust(&mut self) {
        self.manifest = None;
        self.stats = None;
        self.settled = false;
    }

    /// Paths under the output directory (relative, `/`-separated) that
    /// changed since the last build: each output at or under one of them
    /// that no longer holds what this memo's build wrote there (its bytes
    /// are read and hashed: the report says where, the contents say what)
    /// is looked at again by the next build. The output directory itself
    /// (`""`) means all of them.
    pub fn touched<'a>(&mut self, paths: impl IntoIterator<Item = &'a str>) {
        let (Some(out), Some((_, manifest)), Some((_, stats))) =
            (self.out.clone(), &self.manifest, &mut self.stats)
        else {
            return;
        };
        let paths: Vec<&str> = paths.into_iter().collect();
        if paths.contains(&"") {
            self.distrust();
            return;
        }
        let mut suspects: Vec<&String> = Vec::new();
        for path in paths {
            if manifest.files.contains_key(path) {
                suspects.extend(manifest.files.get_key_value(path).map(|(k, _)| k));
                continue;
            }
            // A directory made, removed or renamed: its files come and go
            // without reports of their own.
            let under = format!("{path}/");
            suspects.extend(
                manifest
                    .files
                    .range::<str, _>((
                        std::ops::Bound::Included(under.as_str()),
                        std::ops::Bound::Unbounded,
                    ))
                    .take_while(|(key, _)| key.starts_with(&under))
                    .map(|(key, _)| key),
            );
        }
        suspects.sort();
        suspects.dedup();
        let changed: Vec<&String> = suspects
            .into_par_iter()
            .filter(|key| {
                let Some((recorded, digest)) = stats.files.get(key.as_str()) else {
                    return false;
                };
                let path = out.join(key.as_str());
                stat_of(&path) != Some(*recorded) || !holds_digest(&path, digest)
            })
            .collect();
        if !changed.is_empty() {
            self.settled = false;
        }
        for key in changed {
            stats.files.remove(key.as_str());
        }
    }

    /// The memoised manifest of `out`, if its file is still the one this
    /// memo wrote or read.
    fn take_manifest(&mut self, out: &Path) -> Option<Manifest> {
        let (stat, manifest) = self.manifest.take()?;
        (stat_of(&Manifest::path(out)) == Some(stat)).then_some(manifest)
    }

    /// The memoised stat cache of `out`, on the same condition.
    fn take_stats(&mut self, out: &Path) -> Option<StatCache> {
        let (stat, cache) = self.stats.take()?;
        (stat_of(&StatCache::path(out)) == Some(stat)).then_some(cache)
    }
}

/// Whether the file at `path` can be read and its bytes have the SHA-256
/// `digest` (lowercase hex).
pub fn holds_digest(path: &Path, digest: &str) -> bool {
    fs::read(path).is_ok_and(|bytes| sha256_hex(bytes) == digest)
}

/// The metadata of the regular file at `path`.
fn stat_of(path: &Path) -> Option<FileStat> {
    FileStat::of(&fs::metadata(path).ok()?)
}

/// [`write_outputs_with_inputs`] for a caller that keeps a [`WriteMemo`]
/// from one build into `out` to the next: the same files on disk and the
/// same report, with less reading and hashing.
pub fn write_outputs_memo(
    out: &Path,
    files: &[(Arc<Path>, Arc<str>)],
    inputs: Option<&str>,
    memo: &mut WriteMemo,
) -> Result<WriteReport, WriteError> {
    if memo.out.as_deref() != Some(out) {
        *memo = WriteMemo {
            out: Some(out.to_path_buf()),
            trusting: memo.trusting,
            ..WriteMemo::default()
        };
    }
    if let Some(result) = write_from_memo(out, files, inputs, memo) {
        return result;
    }
    let address = |text: &Arc<str>| text.as_ptr() as usize;
    let known: HashMap<usize, (&Arc<str>, &String)> = memo
        .previous
        .iter()
        .map(|(_, text, digest)| (address(text), (text, digest)))
        .collect();
    let digest_all = || {
        files
            .par_iter()
            .map(|(_, text)| match known.get(&address(text)) {
                Some((was, digest)) if Arc::ptr_eq(was, text) => (*digest).clone(),
                _ => sha256_hex(text.as_bytes()),
            })
            .collect()
    };
    let keys = output_keys(out, files)?;
    let (digests, dirs) = digests_and_directories(out, files, Some(memo), digest_all);
    drop(known);
    memo.previous = files
        .iter()
        .zip(&digests)
        .map(|((path, text), digest)| (path.clone(), text.clone(), digest.clone()))
        .collect();
    memo.settled = false;
    let result = write_digested(out, files, keys, digests, dirs, inputs, Some(memo));
    // Every output is recorded in the stat cache the memo kept (one whose
    // metadata could not be read is not, and is compared next time).
    memo.settled = result.is_ok()
        && memo.manifest.is_some()
        && memo
            .stats
            .as_ref()
            .is_some_and(|(_, cache)| cache.files.len() == files.len());
    result
}

/// [`write_outputs_memo`] for a trusting, settled memo (its manifest and
/// stat cache still the files on disk, and every output recorded in them
/// as it left it): what [`write_digested`] does, from the memo's records
/// of the last build's files rather than from a pass over every output.
/// A path of the last build with the same digest is unchanged; with
/// another, it is staged; a new path is compared with the disk (a file
/// already there is someone else's); a path no longer built is removed
/// when it still holds what was written. `None` when the conditions do
/// not hold (nothing done).
fn write_from_memo(
    out: &Path,
    files: &[(Arc<Path>, Arc<str>)],
    inputs: Option<&str>,
    memo: &mut WriteMemo,
) -> Option<Result<WriteReport, WriteError>> {
    if !memo.trusting || !memo.settled {
        return None;
    }
    let (Some((manifest_stat, _)), Some((stats_stat, _))) = (&memo.manifest, &memo.stats) else {
        return None;
    };
    if stat_of(&Manifest::path(out)) != Some(*manifest_stat)
        || stat_of(&StatCache::path(out)) != Some(*stats_stat)
    {
        return None;
    }
    // Each file's place in the last build's list: the same place when the
    // paths are the same (an edit that adds or removes no campaign).
    let same_paths = memo.previous.len() == files.len()
        && memo
            .previous
            .iter()
            .zip(files)
            .all(|(was, (path, _))| was.0.as_os_str() == path.as_os_str());
    let matched: Vec<Option<usize>> = if same_paths {
        (0..files.len()).map(Some).collect()
    } else {
        matching_places(&memo.previous, files)?
    };
    // The digest of every text that is not the last build's string there.
    let previous = &memo.previous;
    let fresh: Vec<Option<String>> = files
        .par_iter()
        .zip(&matched)
        .map(|((_, text), place)| match place {
            Some(j) if Arc::ptr_eq(text, &previous[*j].1) => None,
            _ => Some(sha256_hex(text.as_bytes())),
        })
        .collect();
    // The files to stage (changed at a known path) or compare (new).
    let mut todo: Vec<(usize, Look)> = Vec::new();
    for (i, (digest, place)) in fresh.iter().zip(&matched).enumerate() {
        match (digest, place) {
            (None, Some(_)) => {}
            (Some(digest), Some(j)) if *digest == previous[*j].2 => {}
            (Some(_), Some(_)) => todo.push((i, Look::Stage)),
            (_, None) => todo.push((i, Look::Compare)),
        }
    }
    let mut kept_places = vec![false; previous.len()];
    for j in matched.iter().flatten() {
        kept_places[*j] = true;
    }
    let mut gone: Vec<(String, String)> = Vec::new();
    for (j, kept) in kept_places.iter().enumerate() {
        if !kept {
            match output_key(out, &previous[j].0) {
                Ok(key) => gone.push((key, previous[j].2.clone())),
                Err(err) => return Some(Err(err)),
            }
        }
    }
    gone.sort();
    let mut keys = Vec::with_capacity(todo.len());
    for (i, _) in &todo {
        match output_key(out, &files[*i].0) {
            Ok(key) => keys.push(key),
            Err(err) => return Some(Err(err)),
        }
    }
    // Paths are matched by their bytes: two spellings of one output
    // (which the build does not make) would be one gone and one new under
    // the same key; the full comparison sorts that out.
    if keys
        .iter()
        .any(|key| gone.binary_search_by(|(was, _)| was.cmp(key)).is_ok())
    {
        return None;
    }
    let (Some((_, mut manifest)), Some((stats_stat, mut stats))) =
        (memo.manifest.take(), memo.stats.take())
    else {
        return None;
    };
    memo.settled = false;

    let dirs = Directories::make(out, todo.iter().map(|(i, _)| &files[*i]));
    let staged: Vec<Result<Staged, WriteError>> = todo
        .par_iter()
        .map(|(i, look)| {
            let path = out.join(&files[*i].0);
            let bytes = files[*i].1.as_bytes();
            match look {
                Look::Compare => compare_and_stage(&path, bytes, Some(None), &dirs),
                _ => stage_at(&path, bytes, false, &dirs),
            }
        })
        .collect();
    let (ready, first_error) = split_first_error(staged);
    if let Some(err) = first_error {
        remove_temporaries(temporaries(ready.iter()));
        return Some(Err(err));
    }
    let mut report = WriteReport::default();
    // Each staged file's metadata once in place (`None`: stat it).
    let mut placed: HashMap<usize, Option<FileStat>> = HashMap::with_capacity(todo.len());
    let mut pending: Vec<(PathBuf, PathBuf)> = Vec::new();
    for ((i, _), staged) in todo.iter().zip(ready) {
        match staged {
            Staged::Unchanged(stat) => {
                placed.insert(*i, stat);
            }
            Staged::Changed { tmp, edited } => {
                let path = out.join(&files[*i].0);
                if edited {
                    report.overwritten_edits.push(path.clone());
                }
                placed.insert(*i, None);
                pending.push((tmp, path));
            }
        }
    }
    if let Err(err) = rename_staged(&pending) {
        return Some(Err(err));
    }
    for (i, (path, _)) in files.iter().enumerate() {
        match placed.get(&i) {
            Some(None) => report.written.push(out.join(path)),
            _ => report.unchanged += 1,
        }
    }

    // What the last build produced and this one does not.
    for (key, digest) in &gone {
        manifest.files.remove(key);
        stats.files.remove(key);
        if let Err(err) = remove_stale_into(out, key, digest, &mut report) {
            return Some(Err(err));
        }
    }

    let inputs_changed = manifest.inputs.as_deref() != inputs;
    manifest.inputs = inputs.map(str::to_string);
    let mut recorded_all = true;
    for ((i, _), key) in todo.iter().zip(keys) {
        let digest = fresh[*i].clone().unwrap_or_default();
        manifest.files.insert(key.clone(), digest.clone());
        let stat = match placed.get(i) {
            Some(Some(stat)) => Some(*stat),
            _ => stat_of(&out.join(&files[*i].0)),
        };
        match stat {
            Some(stat) => {
                stats.files.insert(key, (stat, digest));
            }
            None => {
                stats.files.remove(&key);
                recorded_all = false;
            }
        }
    }
    if !todo.is_empty() || !gone.is_empty() || inputs_changed {
        if let Err(source) = manifest.write_compared(out, false) {
            return Some(Err(WriteError {
                path: Manifest::path(out),
                source,
            }));
        }
    }
    memo.manifest = stat_of(&Manifest::path(out)).map(|stat| (stat, manifest));
    stats.written = stats.written.or(Some(stats_stat.mtime_ns));
    memo.stats = Some((stats_stat, stats));
    if same_paths {
        for ((_, text), ((_, was, digest), fresh)) in
            files.iter().zip(memo.previous.iter_mut().zip(fresh))
        {
            *was = text.clone();
            if let Some(fresh) = fresh {
                *digest = fresh;
            }
        }
    } else {
        // The kept digests are moved from the last build's records (each
        // place is matched at most once), not copied.
        let mut was = std::mem::take(&mut memo.previous);
        memo.previous = files
            .iter()
            .zip(fresh)
            .zip(&matched)
            .map(|(((path, text), fresh), place)| {
                let digest = fresh
                    .or_else(|| place.map(|j| std::mem::take(&mut was[j].2)))
                    .unwrap_or_default();
                (path.clone(), text.clone(), digest)
            })
            .collect();
    }
    memo.settled = recorded_all && memo.manifest.is_some();
    Some(Ok(report))
}

/// For each of `files`, its place in the last build's list `previous`
/// (`None` for a new path): `None` when the paths of either list are not
/// all different (the full comparison decides then). Keyed by the paths'
/// bytes with `foldhash`: hashing a `Path` walks its components, and a
/// campaign added or removed matches 15,000 paths.
fn matching_places(
    previous: &[(Arc<Path>, Arc<str>, String)],
    files: &[(Arc<Path>, Arc<str>)],
) -> Option<Vec<Option<usize>>> {
    fn bytes(path: &Path) -> &[u8] {
        path.as_os_str().as_encoded_bytes()
    }
    let mut places: HashMap<&[u8], usize, foldhash::fast::RandomState> =
        HashMap::with_capacity_and_hasher(previous.len(), Default::default());
    for (j, (path, _, _)) in previous.iter().enumerate() {
        if places.insert(bytes(path), j).is_some() {
            return None;
        }
    }
    // A path listed twice in `files` either matches a place already
    // taken or is new twice.
    let mut taken = vec![false; previous.len()];
    let mut new: std::collections::HashSet<&[u8], foldhash::fast::RandomState> = Default::default();
    let mut matched = Vec::with_capacity(files.len());
    for (path, _) in files {
        let key = bytes(path);
        let place = places.get(key).copied();
        let first = match place {
            Some(j) => !std::mem::replace(&mut taken[j], true),
            None => new.insert(key),
        };
        if !first {
            return None;
        }
        matched.push(place);
    }
    Some(matched)
}

/// The manifest's key for `relative`, a build file's path, refused when
/// it is not [`is_output_path`].
fn output_key(out: &Path, relative: &Path) -> Result<String, WriteError> {
    // A path that is already a plain output key is its own key.
    match relative.to_str() {
        Some(plain) if is_output_path(plain) => Ok(plain.to_string()),
        _ => {
            let key = key_of(relative);
            if is_output_path(&key) {
                Ok(key)
            } else {
                Err(WriteError {
                    path: out.join(relative),
                    source: io::Error::new(io::ErrorKind::InvalidInput, "not a build output path"),
                })
            }
        }
    }
}

/// Writes `files`, whose texts have the SHA-256 `digests` (by the rules of
/// [`write_outputs_with_inputs`]), keeping the manifest and stat cache in
/// `memo` when given.
fn write_digested<P: AsRef<Path> + Sync, S: AsRef<str> + Sync>(
    out: &Path,
    files: &[(P, S)],
    keys: Vec<String>,
    digests: Vec<String>,
    dirs: Option<Directories>,
    inputs: Option<&str>,
    mut memo: Option<&mut WriteMemo>,
) -> Result<WriteReport, WriteError> {
    let mut report = WriteReport::default();
    let remembered = memo.as_deref_mut().and_then(|m| m.take_manifest(out));
    let from_memo = remembered.is_some();
    let previous = match remembered {
        Some(manifest) => Some(manifest),
        None => match Manifest::read(out) {
            Ok(manifest) => manifest,
            Err(err) => {
                report.manifest_ignored = Some(err);
                None
            }
        },
    };

    // What the previous build left, by metadata: only with its manifest,
    // whose digests the entries repeat.
    let remembered = memo.as_deref_mut().and_then(|m| m.take_stats(out));
    let stats_from_memo = previous.is_some() && remembered.is_some();
    let stats = match (&previous, remembered) {
        (None, _) => StatCache::default(),
        (Some(_), Some(stats)) => stats,
        (Some(_), None) => StatCache::read(out),
    };

    // Outputs this memo left and nobody touched since, when the caller
    // reports every change (see `WriteMemo::trust`).
    let trusted = from_memo && stats_from_memo && memo.as_deref().is_some_and(|m| m.trusting);
    // First what the previous build's records tell of each file, in
    // parallel; then the files that need the disk, in parallel, in
    // directories made once. Results in file order, so the error reported
    // is the first one in that order whatever the thread count.
    let looked: Vec<(Look, String)> = files
        .par_iter()
        .zip(&keys)
        .zip(digests)
        .map(|(((relative, _), key), digest)| {
            let listed = previous
                .as_ref()
                .and_then(|m| m.files.get(key).map(String::as_str));
            // A file that is still as the previous build left it needs no
            // reading: it holds the listed digest.
            let left = listed.and_then(|listed| {
                if trusted {
                    let (stat, recorded) = stats.files.get(key)?;
                    (recorded == listed).then_some(*stat)
                } else {
                    stats.clean(key, listed, &out.join(relative))
                }
            });
            let look = match left {
                Some(stat) if listed == Some(digest.as_str()) => Look::Unchanged(stat),
                Some(_) => Look::Stage,
                None => Look::Compare,
            };
            (look, digest)
        })
        .collect();
    let dirs = dirs.unwrap_or_else(|| {
        Directories::make(
            out,
            files
                .iter()
                .zip(&looked)
                .filter(|(_, (look, _))| !matches!(look, Look::Unchanged(_)))
                .map(|(file, _)| file),
        )
    });
    let staged: Vec<Result<(Staged, String), WriteError>> = files
        .par_iter()
        .zip(&keys)
        .zip(looked)
        .map(|(((relative, text), key), (look, digest))| {
            let text = text.as_ref();
            let path = || out.join(relative);
            match look {
                Look::Unchanged(stat) => Ok((Staged::Unchanged(Some(stat)), digest)),
                Look::Stage => {
                    stage_at(&path(), text.as_bytes(), false, &dirs).map(|s| (s, digest))
                }
                Look::Compare => {
                    let previous = previous
                        .as_ref()
                        .map(|m| m.files.get(key).map(String::as_str));
                    compare_and_stage(&path(), text.as_bytes(), previous, &dirs)
                        .map(|staged| (staged, digest))
                }
            }
        })
        .collect();
    let (ready, first_error) = split_first_error(staged);
    if let Some(err) = first_error {
        remove_temporaries(temporaries(ready.iter().map(|(s, _)| s)));
        return Err(err);
    }

    // Swap: rename every staged file over its target.
    let mut listed: Vec<(String, String)> = Vec::with_capacity(files.len());
    let mut pending: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Each output's metadata after this build (`None`: stat it once renamed).
    let mut known: Vec<Option<FileStat>> = Vec::with_capacity(files.len());
    let mut digests: Vec<String> = Vec::with_capacity(files.len());
    for (((relative, _), key), (staged, digest)) in files.iter().zip(&keys).zip(ready) {
        listed.push((key.clone(), digest.clone()));
        digests.push(digest);
        match staged {
            Staged::Unchanged(stat) => {
                known.push(stat);
                report.unchanged += 1;
            }
            Staged::Changed { tmp, edited } => {
                known.push(None);
                let path = out.join(relative);
                if edited {
                    report.overwritten_edits.push(path.clone());
                }
                pending.push((tmp, path));
            }
        }
    }
    rename_staged(&pending)?;
    for (_, path) in pending {
        report.written.push(path);
    }

    // Built from a list at once (a later duplicate wins, as by inserting).
    let manifest = Manifest {
        inputs: inputs.map(str::to_string),
        files: listed.into_iter().collect(),
    };

    // Remove what the previous build produced and this one does not: both
    // lists are sorted, so one walk along the two finds them.
    let mut produced = manifest.files.keys().peekable();
    for (key, digest) in previous.iter().flat_map(|m| &m.files) {
        while produced.next_if(|p| *p < key).is_some() {}
        if produced.peek() == Some(&key) {
            continue;
        }
        remove_stale_into(out, key, digest, &mut report)?;
    }

    // The manifest and the stat cache are written side by side. A manifest
    // this memo wrote and that is still on disk needs no comparing when it
    // did not change.
    let manifest_unchanged = from_memo && previous.as_ref() == Some(&manifest);
    let write_manifest = || {
        if manifest_unchanged {
            return Ok(());
        }
        // A manifest from the memo is the one on disk: this one differs.
        manifest
            .write_compared(out, !from_memo)
            .map_err(|source| WriteError {
                path: Manifest::path(out),
                source,
            })
    };
    let kept_written = stats.written.filter(|_| trusted);
    let make_cache = || {
        let entries: Vec<Option<FileStat>> = files
            .par_iter()
            .zip(known)
            .map(|((relative, _), stat)| stat.or_else(|| stat_of(&out.join(relative))))
            .collect();
        // A trusting memo keeps the cache in memory and leaves the file as
        // it was (so it stays the memo's): a later process finds the
        // outputs written since with other metadata, and reads them.
        let cached = trusted
            || StatCache::write_text(
                out,
                &StatCache::text(keys.iter().zip(&entries).zip(&digests).filter_map(
                    |((key, stat), digest)| Some((key.as_str(), (*stat)?, digest.as_str())),
                )),
                stats.has_racy(),
            )
            .is_ok();
        // The previous cache, brought up to date in place: most entries
        // are the same.
        let mut cache = stats;
        cache.written = None;
        let mut recorded = 0;
        let entries = keys.iter().zip(entries).zip(digests);
        if cache.files.is_empty() {
            // A first build: one sorted bulk build, not an insert each.
            cache.files = entries
                .filter_map(|((key, stat), digest)| Some((key.clone(), (stat?, digest))))
                .collect();
            recorded = cache.files.len();
        } else {
            for ((key, stat), digest) in entries {
                let Some(stat) = stat else {
                    cache.files.remove(key);
                    continue;
                };
                recorded += 1;
                match cache.files.get_mut(key) {
                    Some(entry) => *entry = (stat, digest),
                    None => {
                        cache.files.insert(key.clone(), (stat, digest));
                    }
                }
            }
        }
        if cache.files.len() != recorded {
            cache
                .files
                .retain(|key, _| manifest.files.contains_key(key));
        }
        (cache, cached)
    };
    let (written, (cache, cached)) = rayon::join(write_manifest, make_cache);
    written?;
    if let Some(memo) = memo {
        // What reading them back would give: the files as they are now.
        memo.manifest = stat_of(&Manifest::path(out)).map(|stat| (stat, manifest));
        let path = StatCache::path(out);
        memo.stats = match (cached, stat_of(&path)) {
            (true, Some(stat)) => Some((
                stat,
                StatCache {
                    written: kept_written.or(Some(stat.mtime_ns)),
                    ..cache
                },
            )),
            _ => None,
        };
    }
    Ok(report)
}

/// What the previous build's records tell of one build file.
enum Look {
    /// It holds the new bytes already, with this metadata.
    Unchanged(FileStat),
    /// It holds what the previous build wrote, which is not the new bytes.
    Stage,
    /// Nothing known: compare it with the disk.
    Compare,
}

/// One build file after comparing it with the disk.
enum Staged {
    /// The file on disk already holds these bytes; its metadata as it was
    /// when that was established.
    Unchanged(Option<FileStat>),
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
    dirs: &Directories,
) -> Result<Staged, WriteError> {
    // In a directory this build made, there is nothing to compare with.
    if dirs.made.get(&parent_dir(path)) == Some(&true) {
        return stage_at(path, bytes, false, dirs);
    }
    let mut edited = false;
    if let Some((mut file, meta)) = open_regular_meta(path) {
        let len = meta.len();
        let listed = previous.flatten();
        // A file of another size differs; only hash it to tell an edit.
        if len == bytes.len() as u64 || listed.is_some() {
            let mut on_disk = Vec::with_capacity(len as usize);
            if file.read_to_end(&mut on_disk).is_ok() {
                if on_disk == bytes {
                    return Ok(Staged::Unchanged(FileStat::of(&meta)));
                }
                edited = listed.is_some_and(|d| sha256_hex(&on_disk) != d);
            }
        }
        // A file the previous build did not write is someone else's.
        edited |= previous == Some(None);
    }
    stage_at(path, bytes, edited, dirs)
}

/// The directories a write puts its files in, made once each before the
/// files are staged (rather than asked for again with every file).
#[derive(Default)]
struct Directories {
    /// Each directory that exists: `true` when this write made it (so it
    /// was empty), `false` when it was there already. A directory that
    /// could not be made is left out: staging a file in it makes it again
    /// and reports the error with that file.
    made: HashMap<PathBuf, bool>,
}

impl Directories {
    /// Makes the parent directories of `out`'s `files`, shallowest first.
    fn make<'a, P: AsRef<Path> + 'a, S: 'a>(
        out: &Path,
        files: impl IntoIterator<Item = &'a (P, S)>,
    ) -> Directories {
        // Each file's directory and those between it and `out`, sorted:
        // a directory comes after its parent.
        // Files come grouped by directory: each directory is looked at
        // once, found by its bytes (comparing `Path`s walks components).
        let mut wanted = std::collections::BTreeSet::new();
        let mut seen: std::collections::HashSet<&std::ffi::OsStr, foldhash::fast::RandomState> =
            Default::default();
        for (relative, _) in files {
            let relative = relative.as_ref();
            let within = relative
                .parent()
                .map_or(relative.as_os_str(), Path::as_os_str);
            if !seen.insert(within) {
                continue;
            }
            let dir = parent_dir(&out.join(relative));
            for step in dir.ancestors() {
                if !step.starts_with(out) || !wanted.insert(step.to_path_buf()) {
                    break;
                }
            }
        }
        let mut made = HashMap::with_capacity(wanted.len());
        for dir in wanted {
            // Its parent was made before it, or is `out`'s own parent
            // (made by `create_dir_all` with it).
            let fresh = match fs::create_dir(&dir) {
                Ok(()) => true,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && dir.is_dir() => false,
                Err(_) => match fs::create_dir_all(&dir) {
                    Ok(()) => false,
                    Err(_) => continue,
                },
            };
            made.insert(dir, fresh);
        }
        Directories { made }
    }
}

/// `bytes` staged for `path` ([`stage_in`]), as a build file.
fn stage_at(
    path: &Path,
    bytes: &[u8],
    edited: bool,
    dirs: &Directories,
) -> Result<Staged, WriteError> {
    match stage_in(path, bytes, dirs) {
        Ok(tmp) => Ok(Staged::Changed { tmp, edited }),
        Err(source) => Err(WriteError {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// `path` opened for reading, with its metadata, when it is a regular
/// file (or a link to one).
fn open_regular_meta(path: &Path) -> Option<(File, fs::Metadata)> {
    let file = File::open(path).ok()?;
    let meta = file.metadata().ok()?;
    meta.is_file().then_some((file, meta))
}

/// `path` opened for reading, with its size, when it is a regular file
/// (or a link to one).
fn open_regular(path: &Path) -> Option<(File, u64)> {
    open_regular_meta(path).map(|(file, meta)| (file, meta.len()))
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
    stage_in(path, bytes, &Directories::default())
}

/// [`stage`], where `dirs` may already know `path`'s directory: one that
/// exists is not made again, and in one made empty by this build nothing
/// can be in the way.
fn stage_in(path: &Path, bytes: &[u8], dirs: &Directories) -> io::Result<PathBuf> {
    let dir = parent_dir(path);
    let known = dirs.made.get(&dir);
    if known.is_none() {
        fs::create_dir_all(&dir)?;
    }
    if known != Some(&true) && fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
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

/// The successes of `results`, in order, and the first error among them.
fn split_first_error<T>(results: Vec<Result<T, WriteError>>) -> (Vec<T>, Option<WriteError>) {
    let mut first_error = None;
    let mut ready = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(done) => ready.push(done),
            Err(err) => {
                first_error.get_or_insert(err);
            }
        }
    }
    (ready, first_error)
}

/// The temporaries of the staged files that were changed.
fn temporaries<'a>(staged: impl Iterator<Item = &'a Staged>) -> impl Iterator<Item = &'a PathBuf> {
    staged.filter_map(|s| match s {
        Staged::Changed { tmp, .. } => Some(tmp),
        Staged::Unchanged(_) => None,
    })
}

/// Renames each staged temporary over its target, on all cores (the
/// targets are distinct paths, mostly in distinct directories, and a
/// cold build renames thousands). On a failure (staging checked that
/// every target can be replaced, so the directory changed under us) no
/// further rename is begun, the temporaries not renamed are removed, and
/// the error reported is the first in `pending`'s order among those that
/// failed.
fn rename_staged(pending: &[(PathBuf, PathBuf)]) -> Result<(), WriteError> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let failed = AtomicBool::new(false);
    let results: Vec<Result<(), WriteError>> = pending
        .par_iter()
        .map(|(tmp, path)| {
            if failed.load(Ordering::Relaxed) {
                let _ = fs::remove_file(tmp);
                return Ok(());
            }
            fs::rename(tmp, path).map_err(|source| {
                failed.store(true, Ordering::Relaxed);
                let _ = fs::remove_file(tmp);
                WriteError {
                    path: path.clone(),
                    source,
                }
            })
        })
        .collect();
    results
        .into_iter()
        .find_map(Result::err)
        .map_or(Ok(()), Err)
}

/// [`remove_stale`], its outcome added to `report`.
fn remove_stale_into(
    out: &Path,
    key: &str,
    digest: &str,
    report: &mut WriteReport,
) -> Result<(), WriteError> {
    match remove_stale(out, key, digest)? {
        Removal::Removed(path) => report.removed.push(path),
        Removal::Kept(path) => report.kept.push(path),
        Removal::Gone => {}
    }
    Ok(())
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
    if !holds_digest(&path, digest) {
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

    /// A build file's path as the workspace hands it over.
    fn shared(path: &str) -> Arc<Path> {
        Arc::from(Path::new(path))
    }

    fn names_in(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        names.sort();
        names
    }

    /// The stat cache trusts an output that nobody touched since it was
    /// recorded, and nothing else: not a file rewritten with the same size
    /// and its modification time set back, not one changed in the clock
    /// tick of the record, not one the cache lists with another digest.
    #[cfg(unix)]
    /// A first build makes its directories while it hashes, but only once
    /// every path is known to be an output: a refused one leaves the disk
    /// as it was, in and next to the output directory, by either writer.
    #[test]
    fn a_refused_path_leaves_a_first_build_unwritten() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let files = vec![
            (
                PathBuf::from("previews/a/m.en.html"),
                "<p>a</p>\n".to_string(),
            ),
            (PathBuf::from("../escaped/x.json"), "{}\n".to_string()),
        ];
        let err = write_outputs(&out, &files).expect_err("refused");
        assert!(err.path.ends_with("x.json"), "{err:?}");
        let shared_files: Vec<(Arc<Path>, Arc<str>)> = files
            .iter()
            .map(|(p, t)| (Arc::from(p.as_path()), Arc::from(t.as_str())))
            .collect();
        let mut memo = WriteMemo::default();
        write_outputs_memo(&out, &shared_files, None, &mut memo).expect_err("refused");
        assert!(!out.join("previews").exists());
        assert!(!dir.path().join("escaped").exists());
    }

    /// A first build (no manifest) makes every file's directory with the
    /// hashing, and compares nothing in them: all its files are written.
    #[test]
    fn a_first_build_makes_its_directories_and_writes_every_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let files = vec![
            (PathBuf::from("coverage.md"), "# Coverage\n".to_string()),
            (PathBuf::from("plans/a.json"), "{}\n".to_string()),
            (
                PathBuf::from("previews/a/m.en.html"),
                "<p>a</p>\n".to_string(),
            ),
            (
                PathBuf::from("previews/b/m.en.html"),
                "<p>b</p>\n".to_string(),
            ),
        ];
        let report = write_outputs(&out, &files).expect("first build");
        assert_eq!(report.written.len(), files.len());
        for (path, text) in &files {
            assert_eq!(fs::read_to_string(out.join(path)).expect("written"), *text);
        }
    }

    #[test]
    fn the_stat_cache_trusts_an_untouched_output_and_nothing_else() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        let files = vec![
            (PathBuf::from("coverage.md"), "# Coverage\n".to_string()),
            (PathBuf::from("plans/a.json"), "{}\n".to_string()),
        ];
        write_outputs(out, &files).expect("first build");
        // Past the clock tick of the first build's files, the second one
        // finds them unchanged and records them (writing the record again
        // if the first one was written in the files' tick).
        std::thread::sleep(std::time::Duration::from_millis(50));
        let report = write_outputs(out, &files).expect("second build");
        assert_eq!(report.unchanged, 2);
        assert!(!StatCache::read(out).has_racy());
        let digest = sha256_hex("# Coverage\n");
        let coverage = out.join("coverage.md");
        let cache = StatCache::read(out);
        assert!(cache.clean("coverage.md", &digest, &coverage).is_some());
        assert!(cache
            .clean("coverage.md", &sha256_hex("other"), &coverage)
            .is_none());
        assert!(cache.clean("plans/b.json", &digest, &coverage).is_none());

        // Same size, modification time set back: the status change shows.
        let before = fs::metadata(&coverage)
            .expect("meta")
            .modified()
            .expect("mtime");
        fs::write(&coverage, "# Cover-ge\n").expect("edit");
        File::options()
            .write(true)
            .open(&coverage)
            .and_then(|f| f.set_modified(before))
            .expect("set mtime");
        assert!(cache.clean("coverage.md", &digest, &coverage).is_none());
        // And a build puts the file back, reporting the edit.
        let report = write_outputs(out, &files).expect("third build");
        assert_eq!(report.overwritten_edits, vec![coverage.clone()]);
        assert_eq!(fs::read_to_string(&coverage).expect("read"), "# Coverage\n");

        // A file recorded in the cache's own clock tick is not trusted.
        let plan = out.join("plans/a.json");
        let plan_digest = sha256_hex("{}\n");
        let mut racy = StatCache::read(out);
        assert!(racy.clean("plans/a.json", &plan_digest, &plan).is_some());
        let (stat, _) = racy.files["plans/a.json"];
        racy.written = Some(stat.mtime_ns.max(stat.ctime_ns));
        assert!(racy.clean("plans/a.json", &plan_digest, &plan).is_none());

        // A cache of another format, or a malformed one, is no cache.
        fs::write(StatCache::path(out), "campaignc.stat/v0\n").expect("write");
        assert!(StatCache::read(out).files.is_empty());
        fs::write(StatCache::path(out), format!("{STAT_FORMAT}\n1 2 x\n")).expect("write");
        assert!(StatCache::read(out).files.is_empty());
    }

    #[test]
    fn a_trusting_memo_looks_at_the_disk_only_where_it_is_told() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path();
        let text = |t: &str| std::sync::Arc::<str>::from(t);
        let files = vec![
            (shared("coverage.md"), text("# Coverage\n")),
            (shared("plans/a.json"), text("{}\n")),
            (shared("previews/a/m.en.html"), text("<p>a</p>\n")),
        ];
        let mut memo = WriteMemo::default();
        memo.trust(true);
        write_outputs_memo(out, &files, None, &mut memo).expect("first build");
        let coverage = out.join("coverage.md");
        let plan = out.join("plans/a.json");
        let page = out.join("previews/a/m.en.html");

        // Changed by hand and not reported: trusted, left alone (the
        // caller broke its promise).
        fs::write(&coverage, "# Cover-ge\n").expect("edit");
        let report = write_outputs_memo(out, &files, None, &mut memo).expect("second build");
        assert_eq!(report.unchanged, 3);
        assert_eq!(fs::read_to_string(&coverage).expect("read"), "# Cover-ge\n");

        // Reported: put back, as an edit. A report of a file that still
        // holds what the build wrote changes nothing.
        memo.touched(["coverage.md", "plans/a.json"]);
        let report = write_outputs_memo(out, &files, None, &mut memo).expect("third build");
        assert_eq!(report.overwritten_edits, vec![coverage.clone()]);
        assert_eq!(report.written, vec![coverage.clone()]);
        assert_eq!(fs::read_to_string(&coverage).expect("read"), "# Coverage\n");

        // A directory reported: the outputs under it are looked at.
        fs::remove_dir_all(out.join("previews")).expect("remove");
        memo.touched(["previews"]);
        let report = write_outputs_memo(out, &files, None, &mut memo).expect("fourth build");
        assert_eq!(report.written, vec![page.clone()]);

        // The output directory reported, or a distrusting memo: all of them.
        fs::write(&plan, "{ }\n").expect("edit");
        memo.touched([""]);
        let report = write_outputs_memo(out, &files, None, &mut memo).expect("fifth build");
        assert_eq!(report.written, vec![plan.clone()]);
        fs::write(&plan, "{ }\n").expect("edit");
        memo.distrust();
        let report = write_outputs_memo(out, &files, None, &mut memo).expect("sixth build");
        assert_eq!(report.written, vec![plan]);
    }

    /// A trusting memo's build of the same paths (the watch after an edit)
    /// writes the changed texts only, and leaves the manifest a build from
    /// scratch writes and a stat cache any later build agrees with.
    #[test]
    fn a_build_of_the_same_paths_writes_what_changed_and_the_same_manifest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let text = |t: &str| std::sync::Arc::<str>::from(t);
        let files = |plan: &str| {
            vec![
                (shared("coverage.md"), text("# Coverage\n")),
                (shared("plans/a.json"), text(plan)),
                (shared("previews/a/m.en.html"), text("<p>a</p>\n")),
            ]
        };
        let mut memo = WriteMemo::default();
        memo.trust(true);
        write_outputs_memo(&out, &files("{}\n"), Some("one"), &mut memo).expect("first build");

        // New strings throughout, one of them with new bytes.
        let second = files("{\"a\": 1}\n");
        let report =
            write_outputs_memo(&out, &second, Some("two"), &mut memo).expect("second build");
        assert_eq!(report.written, vec![out.join("plans/a.json")]);
        assert_eq!(report.unchanged, 2);
        assert!(report.removed.is_empty() && report.overwritten_edits.is_empty());
        assert_eq!(
            fs::read_to_string(out.join("plans/a.json")).expect("read"),
            "{\"a\": 1}\n"
        );
        let scratch = dir.path().join("scratch");
        write_outputs_with_inputs(&scratch, &second, Some("two")).expect("from scratch");
        let manifest = |dir: &Path| fs::read_to_string(Manifest::path(dir)).expect("manifest");
        assert_eq!(manifest(&out), manifest(&scratch));

        // Only the inputs changed: the manifest records them.
        let report =
            write_outputs_memo(&out, &second, Some("three"), &mut memo).expect("third build");
        assert!(report.written.is_empty());
        write_outputs_with_inputs(&scratch, &second, Some("three")).expect("from scratch");
        assert_eq!(manifest(&out), manifest(&scratch));

        // Another process agrees with what the memo left: nothing to do.
        let report =
            write_outputs_with_inputs(&out, &second, Some("three")).expect("another build");
        assert!(report.written.is_empty() && report.overwritten_edits.is_empty());
        assert_eq!(report.unchanged, 3);

        // That build rewrote the stat cache the memo kept: the memo reads
        // it again and still writes only what changed.
        let report =
            write_outputs_memo(&out, &files("[]\n"), Some("three"), &mut memo).expect("fifth");
        assert_eq!(report.written, vec![out.join("plans/a.json")]);
        assert!(report.overwritten_edits.is_empty());

        // A campaign gone and one new, where a file of the user's is in the
        // way: the old outputs removed (with their directory), the user's
        // file replaced and reported, the manifest a fresh build's.
        fs::write(out.join("plans/b.json"), "mine").expect("the user's file");
        let third = vec![
            (shared("coverage.md"), text("# Coverage\n")),
            (shared("plans/a.json"), text("[]\n")),
            (shared("plans/b.json"), text("{}\n")),
            (shared("previews/b/m.en.html"), text("<p>b</p>\n")),
        ];
        let report = write_outputs_memo(&out, &third, Some("four"), &mut memo).expect("sixth");
        assert_eq!(
            report.written,
            vec![out.join("plans/b.json"), out.join("previews/b/m.en.html")]
        );
        assert_eq!(report.overwritten_edits, vec![out.join("plans/b.json")]);
        assert_eq!(report.removed, vec![out.join("previews/a/m.en.html")]);
        assert!(!out.join("previews/a").exists());
        let scratch = dir.path().join("scratch-2");
        write_outputs_with_inputs(&scratch, &third, Some("four")).expect("from scratch");
        assert_eq!(manifest(&out), manifest(&scratch));

        // An output gone that the user changed since: kept, forgotten.
        fs::write(out.join("previews/b/m.en.html"), "edited").expect("edit");
        let report =
            write_outputs_memo(&out, &third[..3], Some("four"), &mut memo).expect("seventh");
        assert_eq!(report.kept, vec![out.join("previews/b/m.en.html")]);
        assert!(report.removed.is_empty() && report.written.is_empty());
        let report =
            write_outputs_with_inputs(&out, &third[..3], Some("four")).expect("another build");
        assert!(report.kept.is_empty() && report.written.is_empty());
    }

    /// The manifest's text is what `serde_json` pretty-prints for it, for
    /// plain paths and for names that need escaping.
    #[test]
    fn the_manifest_is_printed_as_serde_json_prints_it() {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            format: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            inputs: Option<&'a str>,
            files: &'a BTreeMap<String, String>,
        }
        let digest = "ab".repeat(32);
        let many: BTreeMap<String, String> = [
            "coverage.md",
            "plans/a.json",
            "previews/q\"uote/\\back.md",
            "previews/tab\there/ünï.html",
            "previews/\u{1}ctl.md",
        ]
        .iter()
        .map(|p| (p.to_string(), digest.clone()))
        .collect();
        let one: BTreeMap<String, String> = [("plans/a.json".to_string(), digest.clone())].into();
        for files in [many, one, BTreeMap::new()] {
            for inputs in [None, Some("in\"puts")] {
                let manifest = Manifest {
                    inputs: inputs.map(str::to_string),
                    files: files.clone(),
                };
                let json = Json {
                    format: MANIFEST_FORMAT,
                    inputs,
                    files: &files,
                };
                let expected = serde_json::to_string_pretty(&json).expect("json") + "\n";
                assert_eq!(manifest.to_json(), expected);
            }
        }
    }

    #[test]
    fn directories_are_made_once_and_only_new_ones_count_as_empty() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        fs::create_dir_all(out.join("plans")).expect("mkdir");
        fs::write(out.join("plans/a.json"), "mine").expect("a file already there");
        fs::write(out.join("blocked"), "a file where a directory must go").expect("write");
        let files: Vec<(PathBuf, &str)> = ["plans/a.json", "previews/c/m.html", "blocked/x.md"]
            .iter()
            .map(|p| (PathBuf::from(p), "x"))
            .collect();
        let dirs = Directories::make(&out, &files);
        // `out` and `plans` were there: their files are compared with the
        // disk. `previews` and `previews/c` are new and empty.
        assert_eq!(dirs.made.get(&out.join("plans")), Some(&false));
        assert_eq!(dirs.made.get(&out.join("previews/c")), Some(&true));
        assert!(out.join("previews/c").is_dir());
        // A directory that could not be made is left to staging, which
        // reports it with the file.
        assert_eq!(dirs.made.get(&out.join("blocked")), None);
        assert!(stage_in(&out.join("blocked/x.md"), b"x", &dirs).is_err());
        // A file in an existing directory is still compared: a user's file
        // is reported as an edit.
        let staged =
            compare_and_stage(&out.join("plans/a.json"), b"x", Some(None), &dirs).expect("staged");
        assert!(matches!(staged, Staged::Changed { edited: true, .. }));
        let staged = compare_and_stage(&out.join("previews/c/m.html"), b"x", Some(None), &dirs)
            .expect("staged");
        assert!(matches!(staged, Staged::Changed { edited: false, .. }));
    }

    #[test]
    fn staging_over_a_directory_fails_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("blocked.json");
        fs::create_dir_all(path.join("inside")).expect("mkdir");
        assert!(stage(&path, b"x").is_err());
        assert_eq!(names_in(dir.path()), vec!["blocked.json"]);
    }

    /// Renames run on all cores; one that fails (its target became a
    /// directory after staging) is the error reported, and no temporary
    /// is left behind, renamed or not.
    #[test]
    fn a_failed_rename_is_reported_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let targets: Vec<PathBuf> = (0..64)
            .map(|i| dir.path().join(format!("{i:02}.json")))
            .collect();
        let pending: Vec<(PathBuf, PathBuf)> = targets
            .iter()
            .map(|path| (stage(path, b"x").expect("staged"), path.clone()))
            .collect();
        fs::create_dir_all(targets[40].join("inside")).expect("mkdir");
        let err = rename_staged(&pending).expect_err("a rename fails");
        assert_eq!(err.path, targets[40]);
        let left: Vec<_> = names_in(dir.path())
            .into_iter()
            .map(|name| name.to_string_lossy().into_owned())
            .filter(|name| !name.ends_with(".json"))
            .collect();
        assert_eq!(left, Vec::<String>::new(), "temporaries left behind");
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
        report.unchanged = 2;
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

    #[test]
    fn the_last_builds_places_are_matched_by_path_once() {
        let text: Arc<str> = Arc::from("x");
        let previous: Vec<(Arc<Path>, Arc<str>, String)> = ["plans/a.json", "plans/b.json"]
            .iter()
            .map(|p| (shared(p), text.clone(), String::new()))
            .collect();
        let files = |paths: &[&str]| -> Vec<(Arc<Path>, Arc<str>)> {
            paths.iter().map(|p| (shared(p), text.clone())).collect()
        };
        assert_eq!(
            matching_places(&previous, &files(&["plans/b.json", "plans/c.json"])),
            Some(vec![Some(1), None])
        );
        // A path twice, kept or new, and a last build with a path twice:
        // the full comparison decides.
        assert_eq!(
            matching_places(&previous, &files(&["plans/a.json", "plans/a.json"])),
            None
        );
        assert_eq!(
            matching_places(&previous, &files(&["plans/c.json", "plans/c.json"])),
            None
        );
        let twice = vec![previous[0].clone(), previous[0].clone()];
        assert_eq!(matching_places(&twice, &files(&["plans/a.json"])), None);
    }
}
