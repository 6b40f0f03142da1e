//! Code actions: the checker's fixes as quick fixes.
//!
//! The fixes are made by the checker with each diagnostic
//! (`diagnostics::Fix`: did-you-mean names, a missing `locale` block, a
//! consent attribute); this module offers those of the diagnostics the
//! client sends in the request's context (matched by code and range),
//! each as a `quickfix` with a workspace edit.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    NumberOrString, TextEdit, Url, WorkspaceEdit,
};

use super::server::{Ctx, Failure, Server};
use crate::diagnostics::{Diagnostic, Fix};

pub fn code_actions(
    server: &mut Server,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>, Failure> {
    let ctx = server.ctx(&params.text_document.uri)?;
    if let Some(only) = &params.context.only {
        if !only.iter().any(|k| k == &CodeActionKind::QUICKFIX) {
            return Ok(Some(Vec::new()));
        }
    }
    let mut actions = Vec::new();
    for theirs in &params.context.diagnostics {
        let Some(NumberOrString::String(code)) = &theirs.code else {
            continue;
        };
        let ours = ctx.snap.diagnostics.iter().filter(|d| {
            d.span.file == ctx.file.id
                && d.code == code.as_str()
                && !d.fixes.is_empty()
                && ctx.range(d.span) == theirs.range
        });
        for d in ours {
            for (i, fix) in d.fixes.iter().enumerate() {
                if let Some(edit) = workspace_edit(&ctx, fix) {
                    actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                        title: fix.title.clone(),
                        kind: Some(CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![theirs.clone()]),
                        edit: Some(edit),
                        is_preferred: Some(i == 0 && preferred(d)),
                        ..CodeAction::default()
                    }));
                }
            }
        }
    }
    Ok(Some(actions))
}

/// A did-you-mean with one fix is what the user meant, most likely: the
/// editor may apply it with its "auto fix" command.
fn preferred(d: &Diagnostic) -> bool {
    d.fixes.len() == 1
}

/// The edits of a fix as the protocol has them; `None` when one of them
/// points nowhere (the fix would be applied in part).
fn workspace_edit(ctx: &Ctx<'_>, fix: &Fix) -> Option<WorkspaceEdit> {
    let resolved = fix.resolve(ctx.snap.sources);
    if resolved.len() != fix.edits.len() {
        return None;
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for (span, new_text) in resolved {
        let location = ctx.location(span)?;
        changes.entry(location.uri).or_default().push(TextEdit {
            range: location.range,
            new_text,
        });
    }
    Some(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}
