//! `campaignc diff BASE HEAD`: placeholder.
use std::path::PathBuf;

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project before the change (e.g. a checkout of main).
    pub base: PathBuf,
    /// The project after the change (e.g. the pull request's checkout).
    pub head: PathBuf,
}

pub fn run(_args: &Args) -> Exit {
    Exit::Clean
}
