//! The no-op build. After a build that wrote every output and had no
//! diagnostic at all, the build's manifest (`out/.campaignc/manifest.json`,
//! see [`crate::plan::write::Manifest`]) records, next to the SHA-256 of
//! every output, a digest of everything the outputs are made from (the
//! compiler, the flags, every input path and text). The next build with
//! the same inputs does no work when every output the manifest lists is
//! still on disk byte for byte.
//!
//! Why it cannot give a wrong result: the outputs are a function of what
//! the input digest covers (the same compiler binary on the same inputs
//! and flags gives byte-identical outputs), and each output is read back
//! and compared with its digest, so an output edited, removed or
//! truncated since makes the build run. (An output whose device, inode,
//! size and modification time are still those the build recorded in
//! `out/.campaignc/stat`, outside the clock tick of that record, is
//! taken as unchanged without reading it, like `git status` does; see
//! [`crate::plan::write::StatCache`].) A build interrupted before it
//! wrote its manifest leaves the previous one, whose input digest is that
//! of the previous inputs and whose output digests no longer all match.
//! A build with diagnostics records no input digest (they would have to be
//! printed again), so the next one always runs.

use std::path::Path;

use rayon::prelude::*;

use super::digest::{self, Digest, Hasher};
use super::workspace::Workspace;
use crate::plan::write::{holds_digest, Manifest, StatCache};

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

/// The number of plans of the recorded build, when the manifest in `out`
/// was written by a build of `inputs` and every output it lists is on disk
/// unchanged.
pub fn unchanged(out: &Path, inputs: &Digest) -> Option<usize> {
    let manifest = Manifest::read(out).ok()??;
    if manifest.inputs.as_deref() != Some(digest::hex(inputs).as_str()) {
        return None;
    }
    let stats = StatCache::read(out);
    let files: Vec<(&String, &String)> = manifest.files.iter().collect();
    let intact = files.par_iter().all(|(relative, hex)| {
        let path = out.join(relative.as_str());
        stats.clean(relative, hex, &path).is_some() || holds_digest(&path, hex)
    });
    intact.then(|| {
        manifest
            .files
            .keys()
            .filter(|path| path.starts_with("plans/"))
            .count()
    })
}
