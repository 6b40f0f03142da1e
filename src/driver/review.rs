//! What `watch --serve` shows besides the files of a build: the state of
//! the last build for the pages (its one-line summary, and a failed
//! build's diagnostics with their source excerpts for the error overlay),
//! and the review tools rendered on demand from the last good build in
//! memory (the persona picker and the translation view, see
//! [`crate::preview::page`]).

use std::sync::{Arc, RwLock};

use crate::check::model::Model;
use crate::diagnostics::render;
use crate::diagnostics::Diagnostic;
use crate::plan::format::Plan;
use crate::serve::{query_param, Pages};
use crate::source::SourceMap;
use crate::template::Renderer;

/// The project of a successful build, kept for pages rendered on demand.
#[derive(Debug)]
pub struct BuiltProject {
    pub model: Model,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub plans: Vec<Plan>,
}

/// The diagnostics as the JSON document of `check --format json`, each
/// with an `excerpt`: its source line, numbered, and a caret line under
/// the span. `null` when there are none.
pub fn diagnostics_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    if diagnostics.is_empty() {
        return serde_json::Value::Null;
    }
    let mut doc: serde_json::Value =
        serde_json::from_str(&render::json(diagnostics, sources)).unwrap_or_default();
    if let Some(list) = doc.get_mut("diagnostics").and_then(|d| d.as_array_mut()) {
        for (entry, d) in list.iter_mut().zip(diagnostics) {
            if let (Some(excerpt), Some(object)) = (excerpt(d, sources), entry.as_object_mut()) {
                object.insert("excerpt".into(), excerpt.into());
            }
        }
    }
    doc
}

/// ` 12 | text of the line` and a caret line under the span's part of it.
fn excerpt(d: &Diagnostic, sources: &SourceMap) -> Option<String> {
    let file = sources.files().get(d.span.file.0 as usize)?;
    let (line, column) = sources.line_col(d.span);
    // A span at the very end of a file is on the empty line after it.
    let text = file.text.lines().nth(line.checked_sub(1)?).unwrap_or("");
    let text = crate::text::escape_control(text);
    let start = column.saturating_sub(1);
    let on_line = text.chars().count().saturating_sub(start).max(1);
    let spanned =
        crate::text::slice_at_boundaries(&file.text, d.span.start as usize, d.span.end as usize)
            .chars()
            .take_while(|c| *c != '\n')
            .count()
            .clamp(1, on_line);
    let number = line.to_string();
    Some(format!(
        "{number} | {text}\n{} | {}{}",
        " ".repeat(number.len()),
        " ".repeat(start),
        "^".repeat(spanned)
    ))
}

/// The review tools: on `previews/<campaign>.html?persona=NAME`, the
/// campaign page rendered for that persona (and on
/// `previews/<campaign>/<message>.<locale>.html?persona=NAME`, the email
/// its frames show); on `?translations=MESSAGE`, the translation view of
/// that message. Everything else is the files of the build.
#[derive(Default)]
pub struct ReviewPages {
    project: RwLock<Option<Arc<BuiltProject>>>,
    renderer: Renderer,
}

impl ReviewPages {
    /// Pages of nothing until the first successful build.
    pub fn new() -> ReviewPages {
        ReviewPages::default()
    }

    /// The project of the latest successful build.
    pub fn set_project(&self, project: Arc<BuiltProject>) {
        if let Ok(mut slot) = self.project.write() {
            *slot = Some(project);
        }
    }
}

impl Pages for ReviewPages {
    fn page(&self, path: &str, query: &str) -> Option<String> {
        if query.is_empty() {
            return None;
        }
        let page = path.strip_prefix("/previews/")?.strip_suffix(".html")?;
        let project = self.project.read().ok()?.clone()?;
        if let Some((campaign, email)) = page.split_once('/') {
            let plan = project.plans.iter().find(|p| p.campaign == campaign)?;
            let (message, locale) = email.split_once('.')?;
            let persona = query_param(query, "persona").filter(|p| !p.is_empty())?;
            return crate::preview::persona_email(
                &project.model,
                plan,
                &self.renderer,
                message,
                locale,
                &persona,
            );
        }
        let plan = project.plans.iter().find(|p| p.campaign == page)?;
        if let Some(message) = query_param(query, "translations") {
            return crate::preview::page::translations_html(plan, &message);
        }
        let persona = query_param(query, "persona").filter(|p| !p.is_empty())?;
        crate::preview::persona_page(
            &project.model,
            plan,
            &project.sources,
            &project.diagnostics,
            &self.renderer,
            &persona,
        )
    }
}
