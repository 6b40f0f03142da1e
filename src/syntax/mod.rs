//! Syntax: the pest grammar (`grammar/campaign.pest`) turned into the typed
//! tree of [`ast`]. Nothing semantic happens here.
//!
//! The stage runs in three steps per file: a non-recursive [`prescan`] that
//! rejects input nested too deeply for a recursive parser (and finds
//! unterminated strings), the pest parse, and the builders (`build*.rs`)
//! that decode literals and produce the AST. No pest type leaves this module.

pub mod ast;
mod build;
mod build_decls;
mod build_expr;
mod build_flow;
mod build_tests;
mod docs;
mod errors;
mod expected;
pub(crate) mod invisible;
mod keywords;
mod literals;
mod parser;
mod prescan;
mod strings;

use pest::Parser as _;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Problems};
use crate::source::{SourceFile, SourceMap};

pub use build_expr::MAX_EXPR_DEPTH;
pub use keywords::RESERVED as RESERVED_WORDS;
pub use prescan::MAX_NESTING;

/// Parses one file. On failure returns its diagnostics: the first syntax
/// error (parsing stops there), or every bad literal (bad escapes, hour 25)
/// when the structure itself parsed.
pub fn parse_file(file: &SourceFile) -> Result<ast::SourceFileAst, Vec<Diagnostic>> {
    // pest and the builders recurse once per nesting level; the prescan
    // bounds the depth, and a thread with a roomy stack makes that bound
    // safe whatever stack the caller runs on (test threads get 2 MiB).
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("campaignc-parse".into())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parse_on_this_thread(file))
            .map_err(|e| vec![thread_failed(file, &e.to_string())])?
            .join()
            .unwrap_or_else(|_| Err(vec![thread_failed(file, "the parser thread panicked")]))
    })
}

/// Stack for the parser thread. Only the pages actually touched are
/// committed, so a generous reservation costs nothing on small files.
const PARSER_STACK_BYTES: usize = 256 * 1024 * 1024;

fn thread_failed(file: &SourceFile, why: &str) -> Diagnostic {
    Diagnostic::error(
        crate::diagnostics::codes::syntax::UNEXPECTED,
        format!("could not parse {}: {why}", file.path),
        crate::source::Span::new(file.id, 0, 0),
    )
    .with_help("this is a bug in campaignc; please report it with this file")
}

fn parse_on_this_thread(file: &SourceFile) -> Result<ast::SourceFileAst, Vec<Diagnostic>> {
    let text = file.text.as_str();
    prescan::prescan(file.id, text).map_err(|d| vec![*d])?;
    let mut pairs = parser::CampParser::parse(parser::Rule::file, text)
        .map_err(|e| vec![errors::from_pest(file.id, text, &e)])?;
    let root = match pairs.next() {
        Some(root) => root,
        None => {
            return Ok(ast::SourceFileAst {
                file: file.id,
                items: Vec::new(),
            })
        }
    };
    let mut builder = build::Builder::new(file.id, text);
    let result = builder.source_file(root);
    let mut problems = builder.problems;
    match result {
        Ok(ast) if problems.is_empty() => Ok(ast),
        Ok(_) => Err(problems),
        Err(d) => {
            problems.push(*d);
            Err(problems)
        }
    }
}

/// Parses every file of a project (in parallel; results in file order).
/// Files that fail add their diagnostics to `problems` and are left out of
/// the result, so the other files can still be checked.
pub fn parse_project(map: &SourceMap, problems: &mut Problems) -> Vec<ast::SourceFileAst> {
    let results: Vec<_> = map
        .files()
        .par_iter()
        .map(|file| (parse_file(file), invisible::check(file)))
        .collect();
    let mut asts = Vec::with_capacity(results.len());
    for (result, warnings) in results {
        problems.extend(warnings);
        match result {
            Ok(ast) => asts.push(ast),
            Err(diags) => problems.extend(diags),
        }
    }
    asts
}
