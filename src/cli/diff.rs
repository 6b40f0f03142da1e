//! `campaignc diff BASE HEAD`: compile two checkouts of a project (e.g.
//! main and a pull request) and print, as Markdown for a PR comment, what
//! the change does to the campaigns (see `src/diff/`).
//!
//! Both projects must compile: errors in either are reported and the exit
//! code is 1 (warnings are fine). An unreadable directory exits 2.

use std::path::{Path, PathBuf};

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};
use crate::diagnostics::Severity;
use crate::plan::{lower_all, Plan};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project before the change (e.g. a checkout of main).
    pub base: PathBuf,
    /// The project after the change (e.g. the pull request's checkout).
    pub head: PathBuf,
}

pub fn run(args: &Args) -> Exit {
    let base = match plans(&args.base) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    let head = match plans(&args.head) {
        Ok(plans) => plans,
        Err(exit) => return exit,
    };
    output::stdout(&crate::text::escape_control(&crate::diff::diff_plans(
        &base, &head,
    )));
    Exit::Clean
}

/// The plans of the project in `dir`, or the exit code after reporting
/// why there are none.
fn plans(dir: &Path) -> Result<Vec<Plan>, Exit> {
    let compilation = crate::compile(dir).map_err(|err| {
        output::fatal(err);
        Exit::Usage
    })?;
    let errors: Vec<_> = compilation
        .problems
        .into_sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if !errors.is_empty() {
        report(&errors, &compilation.sources, &DiagnosticArgs::default());
        output::fatal(format!(
            "`{}` has errors; fix them before comparing",
            dir.display()
        ));
        return Err(Exit::Problems);
    }
    Ok(lower_all(&compilation.model, &compilation.sources))
}
