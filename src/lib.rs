//! campaignc: compiles lifecycle marketing campaigns written as code.
//!
//! Stages, each reading only the previous stage's output:
//! `source` (files) → `syntax` (AST) → `check` (resolved model) → `plan` →
//! `simulate` / `diff` → `preview`, with the template engine (`template`)
//! a leaf that the checker, the simulator and the previews share. Which
//! module may use which is the layer table of `docs/architecture.md`,
//! enforced by `tests/layers.rs`.
//!
//! The public API is small: [`compile`] runs the stages over a project
//! directory and returns everything they produced in a [`Compilation`];
//! [`diagnostics::render`] turns its problems into text; [`cli`] is the
//! command line built on top.

pub mod audience;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod diff;
pub mod digest;
pub mod driver;
pub mod duration;
pub mod fmt;
pub mod forecast;
#[doc(hidden)]
pub mod fuzzing;
pub mod lsp;
pub mod order;
pub mod plan;
pub mod population;
pub mod preview;
pub mod project;
pub mod render;
pub mod serve;
pub mod simulate;
pub mod source;
pub mod sql;
pub mod stack;
pub mod starter;
pub mod syntax;
pub mod template;
pub mod text;

use std::path::Path;

use diagnostics::Problems;
use project::LoadError;
use source::SourceMap;

/// Everything the stages produced for one project. Each stage adds one
/// field; a stage that failed for a file leaves that file out of its output
/// and reports why in `problems`.
#[derive(Debug)]
pub struct Compilation {
    /// Every `.camp` file, sorted by relative path.
    pub sources: SourceMap,
    /// One syntax tree per file that parsed.
    pub files: Vec<syntax::ast::SourceFileAst>,
    /// The resolved, typed project (built even when there are errors).
    pub model: check::model::Model,
    /// Diagnostics from every stage, unsorted.
    pub problems: Problems,
}

/// Loads the project in `dir` and runs every stage over it. Problems in the
/// campaigns are diagnostics in the result; only a project that cannot be
/// read at all is an `Err`.
pub fn compile(dir: &Path) -> Result<Compilation, LoadError> {
    let (sources, files, mut problems) = load_and_parse(dir, syntax::parse_project)?;
    let model = check::check(&files, &mut problems);
    Ok(Compilation {
        sources,
        files,
        model,
        problems,
    })
}

/// A compilation without its syntax trees: what `check` and `build` use.
#[derive(Debug)]
pub struct Checked {
    /// Every `.camp` file, sorted by relative path.
    pub sources: SourceMap,
    /// The resolved, typed project (built even when there are errors).
    pub model: check::model::Model,
    /// Diagnostics from every stage, unsorted.
    pub problems: Problems,
}

/// [`compile`] for commands that need no syntax tree after checking: the
/// trees are dropped as soon as the model is built, which keeps the peak
/// memory of a large project down. Same diagnostics, same model.
pub fn compile_checked(dir: &Path) -> Result<Checked, LoadError> {
    let (sources, files, mut problems) = load_and_parse(dir, syntax::parse_project)?;
    let model = check::check_owned(files, &mut problems);
    Ok(Checked {
        sources,
        model,
        problems,
    })
}

/// What `campaignc check` needs of a project: its files and every
/// diagnostic, unsorted.
pub struct Diagnosed {
    /// Every `.camp` file, sorted by relative path.
    pub sources: SourceMap,
    /// Diagnostics from every stage, unsorted.
    pub problems: Problems,
}

/// [`compile_checked`] for a caller that needs only the diagnostics: the
/// same diagnostics, with less memory (no model is kept, and no segment
/// body is in memory longer than it takes to check it; see
/// [`check::check_diagnostics`]).
pub fn compile_diagnostics(dir: &Path) -> Result<Diagnosed, LoadError> {
    compile_diagnostics_with(dir, || {})
}

/// [`compile_diagnostics`], calling `checking` between the parse and the
/// check (`campaignc check` tunes its allocator there: see `cli::Tuning`).
pub fn compile_diagnostics_with(
    dir: &Path,
    checking: impl FnOnce(),
) -> Result<Diagnosed, LoadError> {
    let (sources, files, mut problems) = load_and_parse(dir, syntax::parse_project_lean)?;
    checking();
    check::check_diagnostics(files, &sources, &mut problems);
    Ok(Diagnosed { sources, problems })
}

/// Loads the project in `dir` and parses its files with `parse`: the
/// sources, the trees and the problems found so far (the loader's
/// warnings, then the syntax errors).
fn load_and_parse(
    dir: &Path,
    parse: fn(&SourceMap, &mut Problems) -> Vec<syntax::ast::SourceFileAst>,
) -> Result<(SourceMap, Vec<syntax::ast::SourceFileAst>, Problems), LoadError> {
    let loaded = project::load_project(dir)?;
    let mut problems = Problems::new();
    problems.extend(loaded.warnings());
    let sources = loaded.sources;
    let files = parse(&sources, &mut problems);
    Ok((sources, files, problems))
}
