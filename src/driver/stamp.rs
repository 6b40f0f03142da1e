//! The no-op build: `out/.campaignc/build-stamp` records, after a build
//! that wrote every output and had no diagnostic at all, a digest of
//! everything the outputs are made from (the compiler, the flags, every
//! input path and text) and the digest and length of every output file.
//! The next build with the same inputs does no work when every recorded
//! output is still on disk byte for byte.
//!
//! Why it cannot give a wrong result: the outputs are a function of what
//! the input digest covers (the same compiler binary on the same inputs
//! and flags gives byte-identical outputs), and each output is read back
//! and compared by digest, so an output edited, removed or truncated since
//! makes the build run. The stamp is removed before a build writes
//! anything and written only after every output is in place, so an
//! interrupted build leaves no stamp. A build with diagnostics is never
//! stamped (they would have to be printed again), so it always runs.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::digest::{self, Digest, Hasher};
use super::workspace::Workspace;

const HEADER: &str = "campaignc build stamp 1";

/// The stamp's path under the output directory.
pub fn path(out: &Path) -> PathBuf {
    out.join(".campaignc").join("build-stamp")
}

/// The digest of what a build's outputs are made from: this compiler
/// (version, and the executable's size and modification time, so a
/// rebuilt compiler never trusts an older one's stamp), the flags and the
/// workspace's inputs. Not the project directory's name: outputs show
/// paths relative to it (a stamped build has no diagnostic, the one place
/// the name appears), so a copy of a project builds the same stamp.
pub fn inputs_digest(workspace: &Workspace, deny_warnings: bool) -> Digest {
    let mut hasher = Hasher::new();
    hasher.text(env!("CARGO_PKG_VERSION"));
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{} {:?}", m.len(), m.modified().ok()))
        .unwrap_or_else(|_| "unknown executable".into());
    hasher.text(&exe);
    hasher.text(if deny_warnings { "deny warnings" } else { "" });
    hasher.part(&workspace.content_digest());
    hasher.finish()
}

/// The number of plans of the stamped build, when the stamp in `out` was
/// made from `inputs` and every output it lists is on disk unchanged.
pub fn unchanged(out: &Path, inputs: &Digest) -> Option<usize> {
    let text = std::fs::read_to_string(path(out)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != HEADER {
        return None;
    }
    if lines.next()?.strip_prefix("inputs ")? != digest::hex(inputs) {
        return None;
    }
    let plans: usize = lines.next()?.strip_prefix("plans ")?.parse().ok()?;
    let mut files: Vec<(&str, u64, &str)> = Vec::new();
    for line in lines {
        let mut parts = line.splitn(3, ' ');
        let hex = parts.next()?;
        let len = parts.next()?.parse().ok()?;
        let relative = parts.next()?;
        files.push((hex, len, relative));
    }
    let intact = files.par_iter().all(|(hex, len, relative)| {
        let file = out.join(relative);
        if std::fs::metadata(&file).map(|m| m.len()).ok() != Some(*len) {
            return false;
        }
        std::fs::read(&file).is_ok_and(|bytes| digest::hex(&digest::of(&bytes)) == *hex)
    });
    intact.then_some(plans)
}

/// Removes the stamp (before outputs change).
pub fn remove(out: &Path) {
    let _ = std::fs::remove_file(path(out));
}

/// Records a build that wrote `files` (relative to `out`; `digests[i]` is
/// the digest of `files[i]`'s text). A stamp that cannot be written only
/// costs the next build its shortcut.
pub fn write(
    out: &Path,
    inputs: &Digest,
    plans: usize,
    files: &[(PathBuf, String)],
    digests: &[Digest],
) {
    if files.len() != digests.len() {
        remove(out);
        return;
    }
    let lines: Vec<String> = files
        .par_iter()
        .zip(digests)
        .map(|((relative, text), digest)| {
            format!(
                "{} {} {}\n",
                digest::hex(digest),
                text.len(),
                relative.to_string_lossy().replace('\\', "/")
            )
        })
        .collect();
    let mut stamp = format!("{HEADER}\ninputs {}\nplans {plans}\n", digest::hex(inputs));
    stamp.extend(lines);
    let _ = crate::plan::write::write_atomic(&path(out), stamp.as_bytes());
}
