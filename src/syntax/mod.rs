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
#[cfg(test)]
mod code_examples_tests;
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
    // bounds the depth, and `stack::deep` gives every level room on
    // whatever thread this runs (rayon workers get 2 MiB).
    crate::stack::deep(|| parse_on_this_thread(file))
}

fn parse_on_this_thread(file: &SourceFile) -> Result<ast::SourceFileAst, Vec<Diagnostic>> {
    let text = file.text.as_str();
    let nesting = prescan::prescan(file.id, text).map_err(|d| vec![*d])?;
    let mut builder = build::Builder::new(file.id, text);
    let mut items = Vec::new();
    // Where the declaration before the current one started.
    let mut previous = 0;
    loop {
        let parsed = parse_from(text, builder.base, nesting, parser::Rule::next_declaration);
        let mut pairs = match parsed {
            Ok(pairs) => pairs,
            Err(e) => {
                // pest reports the furthest point any attempt reached, and
                // attempts inside the previous declaration may have gone
                // further than where it ended (`(a and (b` stops the
                // segment before `and`). Parsing the rest of the file from
                // the previous declaration finds the same error as parsing
                // the whole file. A syntax error stops the file; literal
                // problems found before it would only be noise.
                let e = match parse_from(text, previous, nesting, parser::Rule::file) {
                    Err(whole) => shift_error(whole, previous),
                    Ok(_) => shift_error(e, builder.base),
                };
                return Err(vec![errors::from_pest(file.id, text, &e)]);
            }
        };
        let Some(next) = pairs.next() else { break };
        let end = builder.base + next.as_span().end();
        let at_end = next
            .clone()
            .into_inner()
            .all(|p| p.as_rule() == parser::Rule::EOI);
        if at_end {
            break;
        }
        match builder.source_file(next) {
            Ok(ast) => items.extend(ast.items),
            Err(d) => {
                builder.problems.push(*d);
                return Err(builder.problems);
            }
        }
        if end <= builder.base {
            break;
        }
        previous = builder.base;
        builder.base = end;
    }
    if builder.problems.is_empty() {
        // The list grew by doubling; a big file would keep up to half of
        // it spare for as long as the tree lives.
        items.shrink_to_fit();
        Ok(ast::SourceFileAst {
            file: file.id,
            items,
        })
    } else {
        Err(builder.problems)
    }
}

/// Parses `text[base..]` as `rule`. pest recurses a fixed number of frames
/// per nesting level, so it runs on a stack sized for the file's deepest
/// nesting.
fn parse_from(
    text: &str,
    base: usize,
    nesting: usize,
    rule: parser::Rule,
) -> Result<pest::iterators::Pairs<'_, parser::Rule>, pest::error::Error<parser::Rule>> {
    let rest = text.get(base..).unwrap_or_default();
    let stack = parser_stack(nesting);
    stacker::maybe_grow(stack, stack, || parser::CampParser::parse(rule, rest))
}

/// The stack pest needs for input nested `nesting` levels deep (brackets
/// and `where` clauses, as the prescan counts them): measured at about
/// 40 KiB per level in debug builds, with a wide margin.
fn parser_stack(nesting: usize) -> usize {
    256 * 1024 + nesting * 64 * 1024
}

/// A pest error on the text from `base` on, as an error on the whole file.
fn shift_error(
    mut e: pest::error::Error<parser::Rule>,
    base: usize,
) -> pest::error::Error<parser::Rule> {
    use pest::error::InputLocation;
    e.location = match e.location {
        InputLocation::Pos(p) => InputLocation::Pos(base + p),
        InputLocation::Span((s, t)) => InputLocation::Span((base + s, base + t)),
    };
    e
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
