//! The template engine: message templates with locale-aware helpers, HTML
//! emails, SMS segment counts.
//!
//! A leaf of the crate (it uses nothing of it but `text`; see the layer
//! table in `docs/architecture.md`): it takes plain data (`serde_json`
//! values built with [`value`]) and options, never the AST, the checker's
//! model or a plan, so the checker (helper types from [`HELPERS`], sample
//! renders), the simulator and the previews all render text the same way.
//!
//! The message's locale and the customer's time zone reach the helpers from
//! [`Renderer::render`] itself (parsed once per pair, never copied into the
//! data); one registry therefore serves every locale.

mod dates;
pub mod email;
mod engine;
pub mod escape;
mod helpers;
pub mod lex;
mod locale;
mod money;
pub mod nesting;
pub mod sms;
pub mod value;

pub use dates::DATE_STYLES;
pub use email::{email_html, email_text};
pub use engine::{json_escape, url_escape, Data, Renderer};
pub use helpers::{helper_spec, ArgKind, HelperSpec, BLOCK_HELPERS, BLOCK_HELPER_DOCS, HELPERS};
pub use lex::tag_end;
pub use locale::{is_valid_locale, plural_categories, PLURAL_CATEGORIES};
pub use sms::{sms_segments, SmsCount, SmsEncoding};

/// How values inserted by `{{…}}` are escaped. Literal template text is never
/// escaped; only what the data and helpers produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// HTML: email subjects, preheaders and bodies (`<` becomes `&lt;`).
    Html,
    /// Nothing: SMS, push and in-app text, which are not markup.
    None,
    /// Inside a JSON string literal: webhook bodies (`"` becomes `\"`).
    Json,
    /// A URL's path or query: webhook URLs (`a b/c` becomes `a%20b%2Fc`).
    Url,
}

/// Per-render settings: whose language and clock, and which escaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// BCP 47 tag of the message's locale (`en`, `cs`, `zh-Hant`).
    pub locale: String,
    /// IANA time zone of the customer (`Europe/Prague`); `date` shows the
    /// local calendar day there.
    pub timezone: String,
    /// Escaping of inserted values.
    pub escape: Escape,
}

/// A template that could not be parsed or rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// What went wrong, in plain words.
    pub message: String,
    /// 1-based line inside the template, when Handlebars knows it.
    pub line: Option<usize>,
    /// 1-based column inside the template, when Handlebars knows it.
    pub column: Option<usize>,
}

impl RenderError {
    /// An error with no position.
    pub fn message(message: impl Into<String>) -> Self {
        RenderError {
            message: message.into(),
            line: None,
            column: None,
        }
    }

    fn from_template(error: handlebars::TemplateError) -> Self {
        let (line, column) = error
            .pos()
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        RenderError {
            message: error.reason().to_string(),
            line,
            column,
        }
    }

    fn from_render(error: handlebars::RenderError) -> Self {
        RenderError {
            message: error.reason().to_string(),
            line: error.line_no,
            column: error.column_no,
        }
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => {
                write!(f, "{} (line {line}, column {column})", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for RenderError {}
