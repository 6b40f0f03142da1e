//! `campaignc fmt`: rewriting `.camp` files in canonical form without ever
//! losing anything the user wrote.
//!
//! The syntax tree drops comments, so the formatter works on the text:
//! [`scan`] classifies every byte as code, string or comment with the
//! grammar's string rules, [`layout`] re-indents lines and applies the
//! blank-line rules, [`spacing`] normalizes `=` and `:` in definitions.
//! [`equiv`] is the safety net: a file is only rewritten when the result
//! parses to the same tree as the original, positions aside. [`write`]
//! puts the result back changing nothing but the text.

pub mod equiv;
pub mod layout;
pub mod scan;
pub mod spacing;
pub mod write;

use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::source::{SourceFile, SourceMap};
use crate::syntax::{ast::SourceFileAst, parse_file};

pub use layout::layout as format_text;

/// What formatting one file comes to.
#[derive(Debug)]
pub enum Outcome {
    /// The file is already in canonical form.
    Unchanged,
    /// The canonical text, which means the same as the original.
    Formatted(String),
    /// The file does not parse; it is left alone. The diagnostics say why.
    SyntaxErrors(Vec<Diagnostic>),
    /// The formatted text would not parse to the same tree: a formatter
    /// bug, caught before anything is written. The file is left alone.
    MeaningWouldChange,
}

/// Formats one project file and checks that the result means the same as
/// the original. Syntax diagnostics point into `file` (its id and path).
pub fn format_file(file: &SourceFile) -> Outcome {
    let original = match parse_file(file) {
        Ok(ast) => ast,
        Err(diagnostics) => return Outcome::SyntaxErrors(diagnostics),
    };
    let formatted = format_text(&file.text);
    if *formatted == *file.text {
        return Outcome::Unchanged;
    }
    let mut map = SourceMap::new();
    map.add(file.path.clone(), &file.disk_path, formatted.clone());
    if parse_file(&map.files()[0]).is_ok_and(|ast| equiv::same_tree(ast, original)) {
        Outcome::Formatted(formatted)
    } else {
        Outcome::MeaningWouldChange
    }
}

/// Whether two texts parse to the same tree, source positions aside
/// (`false` when either does not parse).
pub fn same_meaning(a: &str, b: &str) -> bool {
    match (parse("a.camp", a), parse("b.camp", b)) {
        (Ok(a), Ok(b)) => equiv::same_tree(a, b),
        _ => false,
    }
}

fn parse(path: &str, text: &str) -> Result<SourceFileAst, Vec<Diagnostic>> {
    let mut map = SourceMap::new();
    let id = map.add(path, Path::new(path), text.to_string());
    parse_file(map.get(id))
}
