//! Formatting a whole document with the `fmt` engine.

use lsp_types::{DocumentFormattingParams, Position, Range, TextEdit};

use super::server::{Failure, Server};
use crate::fmt::Outcome;
use crate::source::SourceMap;

pub fn formatting(
    server: &mut Server,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>, Failure> {
    let url = params.text_document.uri;
    let (path, text) = server.text(&url).ok_or_else(|| {
        Failure::invalid_params(format!("`{url}` is not a .camp file of the project"))
    })?;
    let text = text.to_string();
    let mut map = SourceMap::new();
    map.add(path.clone(), &server.root().join(&path), text.clone());
    match crate::fmt::format_file(&map.files()[0]) {
        Outcome::Unchanged => Ok(Some(Vec::new())),
        Outcome::Formatted(formatted) => {
            // One edit replacing everything: the end is past the last line.
            let lines = text.split('\n').count() as u32;
            Ok(Some(vec![TextEdit {
                range: Range::new(Position::new(0, 0), Position::new(lines, 0)),
                new_text: formatted,
            }]))
        }
        Outcome::SyntaxErrors(errors) => Err(Failure::failed(format!(
            "`{path}` has {} syntax error{}; fix {} first, then format",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" },
        ))),
        Outcome::MeaningWouldChange => Err(Failure::failed(format!(
            "formatting `{path}` would change its meaning, so it was left alone; please report this as a bug"
        ))),
    }
}
