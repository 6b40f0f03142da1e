//! Every request handler, by the name the server's dispatch table uses.

pub use super::actions::code_actions;
pub use super::completion::completion;
pub use super::folding::folding_ranges;
pub use super::format::formatting;
pub use super::hover::hover;
pub use super::inlay::inlay_hints;
pub use super::navigate::{definition, document_symbols, references, workspace_symbols};
pub use super::rename::{prepare_rename, rename};
pub use super::tokens::semantic_tokens;
