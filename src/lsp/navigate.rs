//! Go to definition, find references, document and workspace symbols:
//! answered from the model's reference table.

use lsp_types::{
    DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse, GotoDefinitionParams,
    GotoDefinitionResponse, Location, ReferenceParams, SymbolInformation, SymbolKind,
    WorkspaceSymbolParams, WorkspaceSymbolResponse,
};

use super::server::{Ctx, Failure, Server};
use crate::check::references::{Declaration, Symbol};

pub fn definition(
    server: &mut Server,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, Failure> {
    let at = params.text_document_position_params;
    let ctx = server.ctx(&at.text_document.uri)?;
    let offset = ctx.offset(at.position) as u32;
    Ok(ctx
        .snap
        .model
        .definition_at(ctx.file.id, offset)
        .and_then(|d| ctx.location(d.name_span))
        .map(GotoDefinitionResponse::Scalar))
}

/// The symbol under the cursor: what the name there resolves to.
pub fn symbol_at<'a>(ctx: &Ctx<'a>, position: lsp_types::Position) -> Option<&'a Symbol> {
    let offset = ctx.offset(position) as u32;
    ctx.snap
        .model
        .references()
        .symbols_at(ctx.file.id, offset)
        .into_iter()
        .next()
}

pub fn references(
    server: &mut Server,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>, Failure> {
    let at = params.text_document_position;
    let ctx = server.ctx(&at.text_document.uri)?;
    let Some(symbol) = symbol_at(&ctx, at.position) else {
        return Ok(None);
    };
    let table = ctx.snap.model.references();
    let mut locations = Vec::new();
    if params.context.include_declaration {
        if let Some(d) = table.declaration(symbol) {
            locations.extend(ctx.location(d.name_span));
        }
    }
    locations.extend(
        table
            .references_to(symbol)
            .into_iter()
            .filter_map(|r| ctx.location(r.span)),
    );
    Ok(Some(locations))
}

/// The protocol's kind of a symbol.
pub fn kind(symbol: &Symbol) -> SymbolKind {
    match symbol {
        Symbol::Attr(_) => SymbolKind::PROPERTY,
        Symbol::Record(_) => SymbolKind::STRUCT,
        Symbol::Event(_) => SymbolKind::EVENT,
        Symbol::Field { .. } => SymbolKind::FIELD,
        Symbol::Property { .. } => SymbolKind::PROPERTY,
        Symbol::Variant { .. } | Symbol::SplitVariant { .. } | Symbol::Stage(_) => {
            SymbolKind::ENUM_MEMBER
        }
        Symbol::Split { .. } => SymbolKind::ENUM,
        Symbol::Segment(_) => SymbolKind::VARIABLE,
        Symbol::Score(_) => SymbolKind::NUMBER,
        Symbol::Message(_) => SymbolKind::STRING,
        Symbol::Campaign(_) => SymbolKind::MODULE,
        Symbol::Persona(_) => SymbolKind::OBJECT,
        Symbol::Locale(_) | Symbol::Builtin(_) => SymbolKind::CONSTANT,
    }
}

pub fn document_symbols(
    server: &mut Server,
    params: DocumentSymbolParams,
) -> Result<Option<DocumentSymbolResponse>, Failure> {
    let ctx = server.ctx(&params.text_document.uri)?;
    let mut declarations: Vec<&Declaration> = ctx
        .snap
        .model
        .references()
        .declarations()
        .filter(|d| d.span.file == ctx.file.id && d.name_span.file == ctx.file.id)
        .collect();
    // Outer before inner: by start, then the longer first.
    declarations.sort_by_key(|d| {
        (
            d.span.start,
            std::cmp::Reverse(d.span.end),
            d.name_span.start,
        )
    });
    let mut roots: Vec<DocumentSymbol> = Vec::new();
    // The open ancestors: each with its span end.
    let mut stack: Vec<(u32, DocumentSymbol)> = Vec::new();
    for d in declarations {
        while stack.last().is_some_and(|(end, _)| d.span.start >= *end) {
            close(&mut stack, &mut roots);
        }
        #[allow(deprecated)] // `deprecated` is a required field of the type
        let symbol = DocumentSymbol {
            name: d.symbol.name().to_string(),
            detail: Some(d.symbol.kind().to_string()),
            kind: kind(&d.symbol),
            tags: None,
            deprecated: None,
            range: ctx.range(d.span),
            selection_range: ctx.range(d.name_span),
            children: None,
        };
        stack.push((d.span.end, symbol));
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    Ok(Some(DocumentSymbolResponse::Nested(roots)))
}

/// Pops the innermost open symbol into its parent (or the roots).
fn close(stack: &mut Vec<(u32, DocumentSymbol)>, roots: &mut Vec<DocumentSymbol>) {
    let Some((_, symbol)) = stack.pop() else {
        return;
    };
    match stack.last_mut() {
        Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(symbol),
        None => roots.push(symbol),
    }
}

/// Whether `query`'s characters appear in `name` in order, ignoring case
/// (what editors' symbol pickers expect: `onbw` finds `onboarding_welcome`).
fn fuzzy(name: &str, query: &str) -> bool {
    let mut chars = name.chars().flat_map(char::to_lowercase);
    query
        .chars()
        .flat_map(char::to_lowercase)
        .all(|q| chars.any(|c| c == q))
}

pub fn workspace_symbols(
    server: &mut Server,
    params: WorkspaceSymbolParams,
) -> Result<Option<WorkspaceSymbolResponse>, Failure> {
    let root = server.root().to_path_buf();
    let encoding = server.encoding();
    let snap = server.workspace_snapshot();
    let mut out = Vec::new();
    for d in snap.model.references().declarations() {
        if !fuzzy(d.symbol.name(), &params.query) {
            continue;
        }
        let Some(location) = super::convert::location(&root, snap.sources, d.name_span, encoding)
        else {
            continue;
        };
        #[allow(deprecated)] // `deprecated` is a required field of the type
        out.push(SymbolInformation {
            name: d.symbol.name().to_string(),
            kind: kind(&d.symbol),
            tags: None,
            deprecated: None,
            location,
            container_name: container(&d.symbol),
        });
    }
    out.sort_by(|a, b| {
        (
            a.location.uri.as_str(),
            a.location.range.start.line,
            &a.name,
        )
            .cmp(&(
                b.location.uri.as_str(),
                b.location.range.start.line,
                &b.name,
            ))
    });
    Ok(Some(WorkspaceSymbolResponse::Flat(out)))
}

/// The name a member symbol lives in.
fn container(symbol: &Symbol) -> Option<String> {
    match symbol {
        Symbol::Field { record, .. } => Some(record.clone()),
        Symbol::Property { event, .. } => Some(event.clone()),
        Symbol::Variant { owner, .. } => Some(owner.name().to_string()),
        Symbol::Split { campaign, .. } => Some(campaign.clone()),
        Symbol::SplitVariant {
            campaign, split, ..
        } => Some(format!("{campaign}.{split}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fuzzy_matches_in_order_ignoring_case() {
        assert!(super::fuzzy("onboarding_welcome", "onbW"));
        assert!(super::fuzzy("anything", ""));
        assert!(!super::fuzzy("welcome", "wz"));
    }
}
