//! Diagnostics: what every stage reports, the registry of codes with their
//! long explanations, and the renderers (`human`, `json`, `github`, `sarif`).
//!
//! Every stage pushes [`Diagnostic`]s into one [`Problems`] list instead of
//! stopping at the first error; the CLI sorts, de-duplicates and renders
//! them at the end.

pub mod codes;
pub mod render;

use std::borrow::Cow;

use crate::source::{SourceMap, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary place related to a diagnostic, with what it has to do with it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem found in a project.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Stable code such as `E0101`; `campaignc explain CODE` documents it.
    pub code: &'static str,
    pub severity: Severity,
    /// One sentence saying what is wrong, naming the names involved.
    pub message: String,
    /// Where the problem is.
    pub span: Span,
    /// Short text shown under the primary span (defaults to nothing).
    pub primary_label: Option<String>,
    /// Related places: the other declaration of a duplicate, the `send`
    /// that put a template in scope, …
    pub labels: Vec<Label>,
    /// What to do about it, including "did you mean …" suggestions. Most
    /// helps are fixed sentences, which are borrowed, not copied: a project
    /// can have a warning per declaration.
    pub help: Option<Cow<'static, str>>,
    /// Changes that fix the problem, for an editor's quick fixes (the
    /// did-you-mean names, a missing `locale` block, a consent attribute).
    /// Most diagnostics have none.
    pub fixes: Vec<Fix>,
}

impl Diagnostic {
    /// Passes every span of the diagnostic (its place, its labels, its
    /// fixes' edits and the text they copy) through `f`: for findings kept
    /// from an earlier check whose files were renumbered since.
    pub fn map_spans(&mut self, f: &mut impl FnMut(Span) -> Span) {
        self.span = f(self.span);
        for label in &mut self.labels {
            label.span = f(label.span);
        }
        for fix in &mut self.fixes {
            for edit in &mut fix.edits {
                edit.span = f(edit.span);
                for piece in &mut edit.text {
                    match piece {
                        Piece::Copy(span) | Piece::IndentOf(span) => *span = f(*span),
                        Piece::Text(_) => {}
                    }
                }
            }
        }
    }
}

/// One way to fix a diagnostic: a title for a menu ("Change to
/// `new_trials`") and the edits that make it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub title: String,
    /// Non-overlapping edits, in any files of the project.
    pub edits: Vec<Edit>,
}

/// Replace the text of `span` (empty: insert at its start) by `text`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Edit {
    pub span: Span,
    pub text: Vec<Piece>,
}

/// A part of an edit's new text. The checker never reads source text, so
/// text to be copied from the project is named by its span and read when
/// the fix is applied ([`Fix::resolve`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Piece {
    /// This text.
    Text(String),
    /// The source text of a span.
    Copy(Span),
    /// The indentation (spaces and tabs) of the line a span starts on.
    IndentOf(Span),
}

impl Fix {
    /// A fix that replaces `span` with `text`: "Change to `text`".
    pub fn replace(span: Span, text: impl Into<String>) -> Fix {
        let text = text.into();
        Fix {
            title: format!("Change to `{text}`"),
            edits: vec![Edit {
                span,
                text: vec![Piece::Text(text)],
            }],
        }
    }

    /// The edits as spans and the text to put there, with copies and
    /// indentation read from `sources`. An edit naming a span outside its
    /// file (stale sources) is left out rather than applied wrongly.
    pub fn resolve(&self, sources: &SourceMap) -> Vec<(Span, String)> {
        let text_of = |span: Span| -> Option<&str> {
            let file = sources.files().get(span.file.0 as usize)?;
            file.text.get(span.start as usize..span.end as usize)
        };
        let indent_of = |span: Span| -> Option<String> {
            let file = sources.files().get(span.file.0 as usize)?;
            let before = file.text.get(..span.start as usize)?;
            let line = &before[before.rfind('\n').map_or(0, |i| i + 1)..];
            Some(
                line.chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect(),
            )
        };
        let mut out = Vec::new();
        'edits: for edit in &self.edits {
            if text_of(edit.span).is_none() {
                continue;
            }
            let mut text = String::new();
            for piece in &edit.text {
                match piece {
                    Piece::Text(t) => text.push_str(t),
                    Piece::Copy(span) => match text_of(*span) {
                        Some(t) => text.push_str(t),
                        None => continue 'edits,
                    },
                    Piece::IndentOf(span) => match indent_of(*span) {
                        Some(t) => text.push_str(&t),
                        None => continue 'edits,
                    },
                }
            }
            out.push((edit.span, text));
        }
        out
    }
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message, span)
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message, span)
    }

    pub fn new(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            primary_label: None,
            labels: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    /// Text under the primary span.
    pub fn with_primary_label(mut self, text: impl Into<String>) -> Diagnostic {
        self.primary_label = Some(text.into());
        self
    }

    /// Adds a related place.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<Cow<'static, str>>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a way to fix it.
    pub fn with_fix(mut self, fix: Fix) -> Diagnostic {
        self.fixes.push(fix);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// The one list every stage reports into.
#[derive(Clone, Debug, Default)]
pub struct Problems {
    items: Vec<Diagnostic>,
}

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// [`Problems::extend`] with a list, which becomes the whole list when
    /// there is nothing yet instead of being copied: a check's list can be
    /// 100,000 warnings, and the copy was a spike in its peak memory.
    pub fn append(&mut self, mut ds: Vec<Diagnostic>) {
        if self.items.is_empty() {
            std::mem::swap(&mut self.items, &mut ds);
        }
        self.items.append(&mut ds);
    }

    /// The diagnostics, in the order they were reported.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.items
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file, then position, then code; exact duplicates removed.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        // In place: a project of 160,000 unused segments has as many
        // warnings, and the standard sort's scratch copy of them was the
        // peak of its check.
        crate::order::sort_by(&mut self.items, |a, b| {
            (a.span.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
                b.span.file,
                b.span.start,
                b.span.end,
                b.code,
                &b.message,
            ))
        });
        self.items.dedup();
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn a_fix_resolves_copies_and_indentation_from_the_sources() {
        let mut sources = SourceMap::new();
        let text = "message m {\n  locale en {\n    body \"Hi\"\n  }\n}\n";
        let file = sources.add("m.camp", std::path::Path::new("m.camp"), text.to_string());
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            Span::new(file, start, start + needle.len())
        };
        let block = at("locale en {\n    body \"Hi\"\n  }");
        let end = Span::new(file, block.end as usize, block.end as usize);
        let fix = Fix {
            title: "Add `locale vi`".into(),
            edits: vec![Edit {
                span: end,
                text: vec![
                    Piece::Text("\n\n".into()),
                    Piece::IndentOf(block),
                    Piece::Text("locale vi".into()),
                    Piece::Copy(Span::new(file, at("en").end as usize, block.end as usize)),
                ],
            }],
        };
        assert_eq!(
            fix.resolve(&sources),
            vec![(end, "\n\n  locale vi {\n    body \"Hi\"\n  }".to_string())]
        );
        // A span past the end of the file (stale sources) gives no edit.
        let stale = Fix::replace(Span::new(file, 900, 905), "x");
        assert!(stale.resolve(&sources).is_empty());
        let other_file = Fix::replace(Span::new(FileId(7), 0, 1), "x");
        assert!(other_file.resolve(&sources).is_empty());
        assert_eq!(Fix::replace(at("Hi"), "Hello").title, "Change to `Hello`");
    }
}
