//! Semantic tokens: the language's words, and templates inside strings
//! highlighted as code.

use lsp_types::{SemanticTokensLegend, SemanticTokensParams, SemanticTokensResult};

use super::server::{Failure, Server};

/// The token types and modifiers, in the order the tokens index them.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: Vec::new(),
        token_modifiers: Vec::new(),
    }
}

pub fn semantic_tokens(
    server: &mut Server,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>, Failure> {
    let _ctx = server.ctx(&params.text_document.uri)?;
    Ok(None)
}
