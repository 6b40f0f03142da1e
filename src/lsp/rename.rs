//! Rename of any declared name across the project, templates included:
//! `check::rename` decides what the name is, whether the new name is
//! allowed and which spans to rewrite; this module turns its answer into
//! the protocol's ranges and edits, and a refusal into an error whose
//! message the editor shows.

use std::collections::HashMap;

use lsp_types::{
    PrepareRenameResponse, RenameParams, TextDocumentPositionParams, TextEdit, Url, WorkspaceEdit,
};

use super::server::{Ctx, Failure, Server};
use crate::check::references::Symbol;
use crate::check::rename::{self, RenameError};

fn refused(e: RenameError) -> Failure {
    Failure::failed(e.0)
}

/// The symbol at the cursor and the span of its name there.
fn target(
    ctx: &Ctx<'_>,
    position: lsp_types::Position,
) -> Result<(Symbol, crate::source::Span), Failure> {
    let offset = ctx.offset(position) as u32;
    rename::target_at(ctx.snap.model, ctx.file.id, offset).map_err(refused)
}

pub fn prepare_rename(
    server: &mut Server,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, Failure> {
    let ctx = server.ctx(&params.text_document.uri)?;
    let (symbol, span) = target(&ctx, params.position)?;
    Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
        range: ctx.range(span),
        placeholder: symbol.name().to_string(),
    }))
}

pub fn rename(server: &mut Server, params: RenameParams) -> Result<Option<WorkspaceEdit>, Failure> {
    let at = params.text_document_position;
    let ctx = server.ctx(&at.text_document.uri)?;
    let (symbol, _) = target(&ctx, at.position)?;
    let plan = rename::rename(ctx.snap.model, ctx.snap.sources, &symbol, &params.new_name)
        .map_err(refused)?;
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for span in plan.spans {
        let Some(location) = ctx.location(span) else {
            continue;
        };
        changes.entry(location.uri).or_default().push(TextEdit {
            range: location.range,
            new_text: plan.new_name.clone(),
        });
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }))
}
