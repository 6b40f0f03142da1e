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
mod cursor;
mod docs;
mod errors;
mod expected;
pub(crate) mod invisible;
mod keywords;
pub mod lexemes;
mod literals;
mod parser;
#[cfg(test)]
mod parts_tests;
mod prescan;
pub mod spans;
mod strings;

use pest::Parser as _;
use rayon::prelude::*;

use crate::diagnostics::{Diagnostic, Problems};
use crate::source::{SourceFile, SourceMap, Span};

pub use build_expr::MAX_EXPR_DEPTH;
pub use cursor::{expected_at, word_start, Expected};
pub use keywords::RESERVED as RESERVED_WORDS;
pub use prescan::MAX_NESTING;

/// The duration a literal such as `36h`, `1w2d` or `-1d` stands for, read
/// by the grammar's `duration` rule and decoded as the parser decodes it;
/// `None` when `text` is not exactly one valid duration literal.
pub fn duration_literal(text: &str) -> Option<crate::duration::Duration> {
    let mut pairs = parser::CampParser::parse(parser::Rule::duration, text).ok()?;
    let pair = pairs.next()?;
    if pair.as_str().len() != text.len() {
        return None;
    }
    let lit = literals::duration(text, Span::default()).ok()?;
    Some(crate::duration::Duration::new(lit.days, lit.seconds))
}

/// Parses one file strictly: the tree, or every diagnostic (syntax errors
/// and bad literals) when there is any. `fmt` and tools that need a whole
/// file use this; the compiler uses [`parse_file_recovering`].
pub fn parse_file(file: &SourceFile) -> Result<ast::SourceFileAst, Vec<Diagnostic>> {
    let (ast, problems) = parse_file_recovering(file);
    if problems.is_empty() {
        Ok(ast)
    } else {
        Err(problems)
    }
}

/// Parses one file, recovering from syntax errors: returns the tree of
/// everything that parsed and every diagnostic. A declaration that cannot
/// be read is skipped up to the next one (keeping its kind and name when
/// its head parsed, marked `broken`); a line of a body that cannot be read
/// is skipped up to the next entry (see `bad_line` in the grammar). What
/// was skipped is listed in [`ast::SourceFileAst::skipped`].
pub fn parse_file_recovering(file: &SourceFile) -> (ast::SourceFileAst, Vec<Diagnostic>) {
    // pest and the builders recurse once per nesting level; the prescan
    // bounds the depth, and `stack::deep` gives every level room on
    // whatever thread this runs (rayon workers get 2 MiB).
    crate::stack::deep(|| parse_on_this_thread(file, true))
}

/// [`parse_file_recovering`] without the expressions of segments that
/// parsed completely (`now` in their place), which [`segment_body`] gives
/// again when they are needed: for a caller that types them one at a
/// time (`campaignc check`, see `check::check_diagnostics`).
pub fn parse_file_lean(file: &SourceFile) -> (ast::SourceFileAst, Vec<Diagnostic>) {
    crate::stack::deep(|| parse_on_this_thread(file, false))
}

/// The expression of the segment declared at `span` in `file`, parsed
/// again: the same tree as a whole-file parse gives for it. `None` when
/// `span` is not a segment that parses.
pub fn segment_body(file: &SourceFile, span: Span) -> Option<ast::Expr> {
    crate::stack::deep(|| {
        let text = file.text.as_ref();
        let start = span.start as usize;
        let nesting = prescan::prescan(file.id, text.get(start..span.end as usize)?).ok()?;
        let mut builder = build::Builder::new(file.id, text);
        builder.nesting = nesting;
        builder.base = start;
        let next = parse_from(text, start, nesting, parser::Rule::next_declaration)
            .ok()?
            .next()?;
        let ast = builder.source_file(next).ok()?;
        ast.items.into_iter().find_map(|item| match item {
            ast::Item::Segment(s) if s.span == span && !s.broken => Some(s.expr),
            _ => None,
        })
    })
}

/// `keep_segment_bodies`: see [`parse_file_lean`].
fn parse_on_this_thread(
    file: &SourceFile,
    keep_segment_bodies: bool,
) -> (ast::SourceFileAst, Vec<Diagnostic>) {
    let text = file.text.as_ref();
    let mut builder = build::Builder::new(file.id, text);
    let nesting = match prescan::prescan(file.id, text) {
        Ok(nesting) => nesting,
        Err(d) => {
            // Too deep to parse safely, or a string never closed: the file
            // is not parsed, but the heads of its declarations are kept so
            // that references to them resolve.
            builder.problems.push(*d);
            let items = prescan::declaration_heads(text)
                .into_iter()
                .filter_map(|(start, end)| builder.salvage_at(start, end))
                .collect();
            builder.skip(Span::new(file.id, 0, text.len()));
            return builder.finish(items);
        }
    };
    builder.nesting = nesting;
    let parts = if text.len() >= 2 * PART_BYTES {
        parse_in_parts(file, nesting, keep_segment_bodies)
    } else {
        Vec::new()
    };
    parse_declarations(builder, parts, keep_segment_bodies)
}

/// The loop of [`parse_on_this_thread`]: every declaration of the file,
/// one after the other, recovering from syntax errors. Where the loop
/// reaches the start of one of `parts` ([`parse_in_parts`]) that parsed
/// on its own, it takes that part's declarations as they are and goes on
/// after them: they are what the loop would find there.
fn parse_declarations(
    mut builder: build::Builder<'_>,
    parts: Vec<Part>,
    keep_segment_bodies: bool,
) -> (ast::SourceFileAst, Vec<Diagnostic>) {
    let text = builder.text;
    let file = builder.file;
    let nesting = builder.nesting;
    let mut parts = parts.into_iter().peekable();
    let mut items = Vec::new();
    // Where the declaration before the current one started, if it parsed.
    let mut previous: Option<usize> = None;
    loop {
        if parts.peek().is_some() {
            let here = prescan::after_trivia(text, builder.base);
            while parts.next_if(|part| part.start < here).is_some() {}
            if let Some(Part {
                parsed: Some(parsed),
                ..
            }) = parts.next_if(|part| part.start == here)
            {
                items.extend(parsed.items);
                builder.problems.extend(parsed.problems);
                builder.skipped.extend(parsed.skipped);
                previous = Some(parsed.last_start);
                builder.base = parsed.end;
                continue;
            }
        }
        let base = builder.base;
        match parse_from(text, base, nesting, parser::Rule::next_declaration) {
            Ok(mut pairs) => {
                let Some(next) = pairs.next() else { break };
                let end = base + next.as_span().end();
                let at_end = next
                    .clone()
                    .into_inner()
                    .all(|p| p.as_rule() == parser::Rule::EOI);
                if at_end {
                    break;
                }
                match builder.source_file(next) {
                    Ok(ast) => items.extend(declarations(ast, keep_segment_bodies)),
                    Err(d) => {
                        // A grammar/builder disagreement (a bug): the
                        // declaration is left out, the rest goes on.
                        builder.problems.push(*d);
                        builder.skip(Span::new(file, base, end));
                    }
                }
                if end <= base {
                    break;
                }
                previous = Some(base);
                builder.base = end;
            }
            Err(e) => {
                // pest reports the furthest point any attempt reached, and
                // attempts inside the previous declaration may have gone
                // further than where it ended (`(a and (b` stops the
                // segment before `and`). Parsing the rest of the file from
                // the previous declaration finds the same error as parsing
                // the whole file.
                let e =
                    match previous.map(|p| (p, parse_from(text, p, nesting, parser::Rule::file))) {
                        Some((p, Err(whole))) => shift_error(whole, p),
                        _ => shift_error(e, base),
                    };
                builder.problems.push(errors::from_pest(file, text, &e));
                let resume = prescan::resume_after(text, base);
                if let Some(item) = builder.salvage_at(base, resume) {
                    items.push(item);
                }
                let skipped = text[base..resume].trim_end().len();
                if skipped > 0 {
                    builder.skip(Span::new(file, base, base + skipped));
                }
                previous = None;
                builder.base = resume;
            }
        }
    }
    builder.finish(items)
}

/// A file at least twice this big is cut into parts of about this size,
/// at declarations, which are parsed on every core.
const PART_BYTES: usize = 256 * 1024;

/// One part of a file ([`parse_in_parts`]): where it starts (where the
/// whole-file loop would start a declaration, if it gets there), and what
/// it gave when it parsed on its own.
struct Part {
    start: usize,
    parsed: Option<Parsed>,
}

/// The declarations, diagnostics and skipped text of a part, where its
/// last declaration started and where it ended.
struct Parsed {
    items: Vec<ast::Item>,
    problems: Vec<Diagnostic>,
    skipped: Vec<ast::Skipped>,
    last_start: usize,
    end: usize,
}

/// `file` cut into parts ([`prescan::cut_points`]), each parsed on its own
/// by the loop of [`parse_declarations`], on every core. A part that gives
/// what the whole-file loop would give from its start has what it parsed;
/// one that cannot be known to (a declaration runs past its end, or a
/// syntax error, whose report needs the text before it) has `None`, and
/// the whole-file loop reads that stretch itself. Empty when the file
/// cannot be cut.
fn parse_in_parts(file: &SourceFile, nesting: usize, keep_segment_bodies: bool) -> Vec<Part> {
    let text = file.text.as_ref();
    let cuts = prescan::cut_points(text, PART_BYTES);
    if cuts.is_empty() {
        return Vec::new();
    }
    let starts = std::iter::once(prescan::after_trivia(text, 0)).chain(cuts.iter().copied());
    let stops = cuts.iter().copied().chain([text.len()]);
    let bounds: Vec<(usize, usize)> = starts.zip(stops).collect();
    bounds
        .par_iter()
        .map(|&(start, stop)| Part {
            start,
            parsed: crate::stack::deep(|| {
                parse_part(file, nesting, start, stop, keep_segment_bodies)
            }),
        })
        .collect()
}

/// The declarations of `file` from `start` to `stop`, as the whole-file
/// loop reads them from `start`; `None` on a syntax error or when a
/// declaration ends past `stop`.
fn parse_part(
    file: &SourceFile,
    nesting: usize,
    start: usize,
    stop: usize,
    keep_segment_bodies: bool,
) -> Option<Parsed> {
    let text = file.text.as_ref();
    let mut builder = build::Builder::new(file.id, text);
    builder.nesting = nesting;
    builder.base = start;
    let mut items = Vec::new();
    let mut last_start = start;
    // Only blanks and comments left before `stop`: the whole-file loop
    // would go on from `stop` too (or find the end of the file there).
    while prescan::after_trivia(text, builder.base) < stop {
        let base = builder.base;
        let next = parse_from(text, base, nesting, parser::Rule::next_declaration)
            .ok()?
            .next()?;
        let end = base + next.as_span().end();
        if end > stop || end <= base {
            return None;
        }
        let ast = builder.source_file(next).ok()?;
        items.extend(declarations(ast, keep_segment_bodies));
        last_start = base;
        builder.base = end;
    }
    Some(Parsed {
        items,
        problems: builder.problems,
        skipped: builder.skipped,
        last_start,
        end: builder.base,
    })
}

/// The declarations of `ast`, without the expressions of their complete
/// segments unless `keep_segment_bodies`.
fn declarations(
    ast: ast::SourceFileAst,
    keep_segment_bodies: bool,
) -> impl Iterator<Item = ast::Item> {
    ast.items.into_iter().map(move |item| {
        if keep_segment_bodies {
            item
        } else {
            without_segment_body(item)
        }
    })
}

/// `item`, with `now` in place of its expression when it is a segment
/// that parsed completely.
fn without_segment_body(mut item: ast::Item) -> ast::Item {
    if let ast::Item::Segment(s) = &mut item {
        if !s.broken {
            s.take_expr();
        }
    }
    item
}

/// Parses `text[base..]` as `rule`. pest recurses a fixed number of frames
/// per nesting level, so it runs on a stack sized for the file's deepest
/// nesting.
pub(crate) fn parse_from(
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
pub(crate) fn shift_error(
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
/// Every file gives a tree, with what its syntax errors made unreadable
/// left out (see [`parse_file_recovering`]); the diagnostics go to
/// `problems`.
pub fn parse_project(map: &SourceMap, problems: &mut Problems) -> Vec<ast::SourceFileAst> {
    parse_project_with(map, problems, parse_file_recovering)
}

/// [`parse_project`] with [`parse_file_lean`]: the trees hold no segment
/// bodies that [`segment_body`] can give again.
pub fn parse_project_lean(map: &SourceMap, problems: &mut Problems) -> Vec<ast::SourceFileAst> {
    parse_project_with(map, problems, parse_file_lean)
}

fn parse_project_with(
    map: &SourceMap,
    problems: &mut Problems,
    parse: fn(&SourceFile) -> (ast::SourceFileAst, Vec<Diagnostic>),
) -> Vec<ast::SourceFileAst> {
    let results: Vec<_> = map
        .files()
        .par_iter()
        .map(|file| (parse(file), invisible::check(file)))
        .collect();
    let mut asts = Vec::with_capacity(results.len());
    for ((ast, diags), warnings) in results {
        problems.extend(warnings);
        problems.extend(diags);
        asts.push(ast);
    }
    asts
}
