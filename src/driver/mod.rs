//! The driver: the layer between the stages ({plan, preview, simulate})
//! and the front ends ({cli, lsp}). [`Workspace`] holds a project's file
//! texts in memory and derives everything else on demand, memoised, so
//! that an editor, `watch` and `build` ask for diagnostics and outputs
//! and only what an edit changed is computed again. [`build_project`] is
//! one build of a directory; [`watch::watch_project`] the watch loop.

pub mod build;
pub mod progress;
pub use crate::digest;
pub mod review;
pub mod stamp;
pub mod watch;
pub mod workspace;

pub use build::{
    build_project, build_project_with, check_out_dir, stops_build, BuildError, BuildOutcome,
    BuildStatus,
};
pub use progress::Progress;
pub use workspace::{Counters, OutputFiles, Snapshot, Workspace};
