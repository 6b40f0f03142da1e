//! Previews for reviewers: what `build` writes next to the plans so a pull
//! request shows who gets what, when, and in which words.
//!
//! - [`sentences`]: conditions and triggers in plain English;
//! - [`mermaid`]: the flow as a Mermaid flowchart;
//! - [`timeline`]: the main path, simulated for the preview persona;
//! - [`messages`] (with [`data`]): every message rendered per locale;
//! - [`markdown`]: the campaign page; [`page`]: the same page in HTML,
//!   with the review tools of `watch --serve`; [`html`]: the email files;
//! - [`index`]: `previews/index.html`; [`coverage`]: `coverage.md`;
//! - [`send`]: one email as `campaignc send-test` mails it.
//!
//! Inputs are the checked model, the lowered plans and the diagnostics;
//! output is text only. The same inputs give byte-identical files.

pub mod coverage;
pub mod data;
pub mod html;
pub mod index;
pub mod markdown;
pub mod mermaid;
pub mod messages;
pub mod page;
pub mod route;
pub mod send;
pub mod sentences;
pub mod timeline;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::check::model::{Model, PersonaId};
use crate::diagnostics::Diagnostic;
use crate::plan::format::{Node, Plan};
use crate::source::{SourceMap, Span};
use crate::template::Renderer;

use messages::MessagePreview;

/// What to include in a campaign's preview (the `preview` command's flags;
/// `build` uses the default: everything).
#[derive(Clone, Debug, Default)]
pub struct PreviewOptions {
    /// Only this message.
    pub message: Option<String>,
    /// Only this locale.
    pub locale: Option<String>,
    /// This persona for every locale instead of the locale's preview
    /// persona.
    pub persona: Option<PersonaId>,
}

/// What `campaignc preview` asks for, by name (its command-line flags).
#[derive(Clone, Copy, Debug, Default)]
pub struct PreviewRequest<'a> {
    /// The campaign; may be left out when the project has exactly one.
    pub campaign: Option<&'a str>,
    /// Only this message of the campaign.
    pub message: Option<&'a str>,
    /// Only this locale (one of the campaign's `locales`).
    pub locale: Option<&'a str>,
    /// Render every locale with this persona.
    pub persona: Option<&'a str>,
}

/// Why a [`PreviewRequest`] names nothing to preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreviewRequestError {
    /// A name that is not there: what is wrong, the closest known name
    /// (a did-you-mean) and every known name.
    Unknown {
        problem: String,
        closest: Option<String>,
        known: Vec<String>,
    },
    /// No campaign was named and the project has none.
    NoCampaigns,
    /// No campaign was named and the project has several.
    WhichCampaign { known: Vec<String> },
}

impl std::fmt::Display for PreviewRequestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PreviewRequestError::Unknown {
                problem,
                closest,
                known,
            } => {
                let suggestion = closest
                    .as_ref()
                    .map(|k| format!("; did you mean `{k}`?"))
                    .unwrap_or_default();
                let known = if known.is_empty() {
                    "(none)".to_string()
                } else {
                    known.join(", ")
                };
                write!(f, "{problem}{suggestion}\n  known: {known}")
            }
            PreviewRequestError::NoCampaigns => f.write_str("the project has no campaigns"),
            PreviewRequestError::WhichCampaign { known } => write!(
                f,
                "which campaign? pass `--campaign NAME`, one of: {}",
                known.join(", ")
            ),
        }
    }
}

impl std::error::Error for PreviewRequestError {}

/// Finds what `request` names in a checked project without errors: the
/// campaign, lowered to its plan, and the [`PreviewOptions`] for
/// [`preview_campaign`]. A name that is not there is an error with the
/// closest known name and the list of known ones.
pub fn resolve_request(
    model: &Model,
    sources: &SourceMap,
    request: &PreviewRequest<'_>,
) -> Result<(Plan, PreviewOptions), PreviewRequestError> {
    use crate::check::resolve::suggest::{closest, closest_locale};
    let unknown =
        |problem: String, closest: Option<&str>, known: Vec<&str>| PreviewRequestError::Unknown {
            problem,
            closest: closest.map(str::to_string),
            known: known.into_iter().map(str::to_string).collect(),
        };
    let names: Vec<&str> = model.campaigns.iter().map(|c| c.name.as_str()).collect();
    let campaign = match (request.campaign, names.as_slice()) {
        (Some(name), names) => match names.iter().position(|c| *c == name) {
            Some(i) => i,
            None => {
                return Err(unknown(
                    format!("unknown campaign `{name}`"),
                    closest(name, names.iter().copied()),
                    names.to_vec(),
                ))
            }
        },
        (None, [_]) => 0,
        (None, []) => return Err(PreviewRequestError::NoCampaigns),
        (None, names) => {
            return Err(PreviewRequestError::WhichCampaign {
                known: names.iter().map(|n| n.to_string()).collect(),
            })
        }
    };
    let plan = crate::plan::lower(
        model,
        sources,
        crate::check::model::CampaignId(campaign as u32),
    );
    if let Some(m) = request.message {
        let names: Vec<&str> = plan.messages.keys().map(String::as_str).collect();
        if !plan.messages.contains_key(m) {
            return Err(unknown(
                format!("campaign `{}` sends no message `{m}`", plan.campaign),
                closest(m, names.iter().copied()),
                names,
            ));
        }
    }
    if let Some(l) = request.locale {
        let names: Vec<&str> = plan.locales.iter().map(String::as_str).collect();
        if !plan.locales.iter().any(|x| x == l) {
            return Err(unknown(
                format!("campaign `{}` does not send in locale `{l}`", plan.campaign),
                closest_locale(l, names.iter().copied()),
                names,
            ));
        }
    }
    let persona = match request.persona {
        Some(p) => match model.personas.iter().position(|x| x.name == p) {
            Some(i) => Some(PersonaId(i as u32)),
            None => {
                let names: Vec<&str> = model.personas.iter().map(|x| x.name.as_str()).collect();
                return Err(unknown(
                    format!("unknown persona `{p}`"),
                    closest(p, names.iter().copied()),
                    names,
                ));
            }
        },
        None => None,
    };
    let options = PreviewOptions {
        message: request.message.map(str::to_string),
        locale: request.locale.map(str::to_string),
        persona,
    };
    Ok((plan, options))
}

/// A campaign's page and its email HTML files.
pub struct CampaignPreview {
    pub page: String,
    /// `(message, locale, html)` for every email message and locale shown.
    pub emails: Vec<(String, String, String)>,
}

/// A persona shown in `locale`: whether its own locale attribute differs
/// (then `locale` replaces it when the message is rendered).
pub fn persona_in_locale(model: &Model, id: PersonaId, locale: &str) -> (PersonaId, bool) {
    let own = model
        .attr_by_name("locale")
        .and_then(|a| model.persona(id).attr(a))
        .cloned();
    let overridden = own != Some(crate::check::model::Value::String(locale.into()));
    (id, overridden)
}

/// Renders the preview of one campaign.
pub fn preview_campaign(
    model: &Model,
    plan: &Plan,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    renderer: &Renderer,
    options: &PreviewOptions,
) -> CampaignPreview {
    preview_campaign_reusing(model, plan, sources, diagnostics, renderer, options, None).0
}

/// Every message of a campaign's preview, in flow order, each rendered in
/// every locale shown.
pub type RenderedMessages = Vec<(String, Vec<MessagePreview>)>;

/// The digest of what rendering the messages of `plan` reads of it (the
/// rest is the model's personas, schema and defaults): the plan without
/// its audience and its hash, and without its segments when no score and
/// no `set` step can read them. So an edit of a campaign's audience
/// changes the page, not the messages: a caller that keeps the
/// [`RenderedMessages`] of a plan under this key (with the personas,
/// schema and defaults) may give them back to
/// [`preview_campaign_reusing`] for a plan with the same key.
pub fn messages_key(plan: &Plan) -> crate::digest::Digest {
    // Every field by name, so that a field added to `Plan` is placed here
    // (in the key, or left out with a reason) before this compiles; read
    // in place rather than from a copy of the plan.
    let Plan {
        format,
        campaign,
        stage,
        doc,
        source,
        trigger,
        audience: _,
        reentry,
        goal,
        exit,
        policies,
        locales,
        default_locale,
        customer,
        assignment,
        segments,
        scores,
        entry,
        nodes,
        messages,
        template_data,
        hash: _,
    } = plan;
    let sets = nodes.values().any(|n| matches!(n, Node::Set { .. }));
    let segments = if scores.is_empty() && !sets {
        &[][..]
    } else {
        &segments[..]
    };
    let read = (
        (format, campaign, stage, doc, source, trigger, reentry, goal),
        (
            exit,
            policies,
            locales,
            default_locale,
            customer,
            assignment,
        ),
        (segments, scores, entry, nodes, messages, template_data),
    );
    let json = serde_json::to_vec(&read).unwrap_or_default();
    crate::digest::of(&json)
}

/// [`preview_campaign`], with the messages already rendered for a plan
/// of the same [`messages_key`], the same personas, schema and defaults
/// and the same `options` (`None`: rendered here), and the messages it
/// shows.
pub fn preview_campaign_reusing(
    model: &Model,
    plan: &Plan,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    renderer: &Renderer,
    options: &PreviewOptions,
    rendered: Option<std::sync::Arc<RenderedMessages>>,
) -> (CampaignPreview, std::sync::Arc<RenderedMessages>) {
    let persona_for = |locale: &str| -> Option<(PersonaId, bool)> {
        match options.persona {
            Some(id) => Some(persona_in_locale(model, id, locale)),
            None => model.preview_persona(locale),
        }
    };
    let locales: Vec<&String> = plan
        .locales
        .iter()
        .filter(|l| options.locale.as_ref().is_none_or(|o| o == *l))
        .collect();
    let flow = data::FlowIndex::new(plan);
    let previews = rendered.unwrap_or_else(|| {
        let mut previews: RenderedMessages = Vec::new();
        for message in messages_in_flow_order(plan) {
            if options.message.as_ref().is_some_and(|m| *m != message) {
                continue;
            }
            let per_locale: Vec<MessagePreview> = locales
                .iter()
                .filter_map(|l| {
                    let persona = persona_for(l)?;
                    let mut preview =
                        messages::render_message(model, &flow, renderer, &message, l, persona);
                    // Kept by a caller that reuses them: the size of their
                    // texts, not of the buffers they were rendered in.
                    if let Ok(fields) = &mut preview.rendered {
                        fields.shrink_to_fit();
                    }
                    Some(preview)
                })
                .collect();
            previews.push((message, per_locale));
        }
        std::sync::Arc::new(previews)
    });
    let first_locale = locales.first().map(|l| l.as_str()).unwrap_or("en");
    let main_path = match persona_for(first_locale) {
        Some(p) => timeline::main_path(model, plan, renderer, p, first_locale),
        None => timeline::MainPath {
            setup: "The project has no persona, so there is no customer to simulate and no \
                    timeline. Add a `persona` block (its attributes, and a sample of the \
                    trigger event) to see when each message would be sent and to render \
                    the messages below."
                .into(),
            lines: Vec::new(),
            no_persona: true,
        },
    };
    let concerning = diagnostics_for(model, plan, diagnostics);
    let page = markdown::campaign_page(&markdown::PageInput {
        model,
        plan,
        sources,
        diagnostics: &concerning,
        main_path: &main_path,
        messages: &previews,
        flow: &flow,
    });
    let emails = previews
        .iter()
        .flat_map(|(_, ps)| ps.iter())
        .filter_map(|p| match &p.rendered {
            Ok(messages::Rendered::Email { html, .. }) => Some((
                p.message.clone(),
                p.locale.clone(),
                crate::text::reveal_invisible_html(html).into_owned(),
            )),
            _ => None,
        })
        .collect();
    // Bidi controls and zero-width characters from the author or a persona
    // are shown as `<U+202E>` markers, never hidden in the page.
    let page = crate::text::reveal_invisible_owned(page);
    (CampaignPreview { page, emails }, previews)
}

/// Every file of the previews, as paths relative to the output directory
/// and their contents, in a fixed order: `previews/<campaign>.md`,
/// `previews/<campaign>.html`, `previews/<campaign>/<message>.<locale>.html`,
/// `previews/index.html`, the pages' assets, `coverage.md`. Campaigns are rendered in parallel; the order of the
/// files does not depend on the number of threads.
pub fn preview_files(
    model: &Model,
    plans: &[Plan],
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
) -> Vec<(PathBuf, String)> {
    let renderer = Renderer::new();
    let campaigns: Vec<CampaignFiles> = plans
        .par_iter()
        .map(|plan| campaign_files(model, plan, sources, diagnostics, &renderer))
        .collect();
    let mut files: Vec<(PathBuf, String)> = Vec::new();
    for campaign in &campaigns {
        files.extend(campaign.files.iter().cloned());
    }
    let sections: Vec<&str> = campaigns.iter().map(|c| c.index_section.as_str()).collect();
    let pressure = coverage::pressure_markdown(model, plans, &renderer);
    files.extend(project_files(model, plans, &sections, pressure));
    files
}

/// The preview files of one campaign: its page, then its email files.
#[derive(Clone, Debug)]
pub struct CampaignFiles {
    /// `previews/<campaign>.md`, `previews/<campaign>.html`, then
    /// `previews/<campaign>/<message>.<locale>.html` for every email.
    pub files: Vec<(PathBuf, String)>,
    /// The campaign's section of `previews/index.html`
    /// ([`index::campaign_section`]).
    pub index_section: String,
}

/// Renders the preview files of one campaign (what [`preview_files`]
/// writes for it).
pub fn campaign_files(
    model: &Model,
    plan: &Plan,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    renderer: &Renderer,
) -> CampaignFiles {
    campaign_files_reusing(model, plan, sources, diagnostics, renderer, None).0
}

/// [`campaign_files`], with the messages rendered already as
/// [`preview_campaign_reusing`] takes them, and the messages shown.
pub fn campaign_files_reusing(
    model: &Model,
    plan: &Plan,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    renderer: &Renderer,
    rendered: Option<std::sync::Arc<RenderedMessages>>,
) -> (CampaignFiles, std::sync::Arc<RenderedMessages>) {
    let (preview, rendered) = preview_campaign_reusing(
        model,
        plan,
        sources,
        diagnostics,
        renderer,
        &PreviewOptions::default(),
        rendered,
    );
    let html = campaign_html(model, plan, &preview.page, None);
    let mut files = vec![
        (
            PathBuf::from("previews").join(format!("{}.md", plan.campaign)),
            preview.page,
        ),
        (
            PathBuf::from("previews").join(format!("{}.html", plan.campaign)),
            html,
        ),
    ];
    let mut emails = Vec::with_capacity(preview.emails.len());
    for (message, locale, html) in preview.emails {
        files.push((html::email_path(&plan.campaign, &message, &locale), html));
        emails.push((message, locale));
    }
    let index_section = index::campaign_section(plan, &emails);
    (
        CampaignFiles {
            files,
            index_section,
        },
        rendered,
    )
}

/// The HTML page of a campaign from its Markdown page, rendered for
/// `persona` (or each locale's preview persona).
pub fn campaign_html(model: &Model, plan: &Plan, markdown: &str, persona: Option<&str>) -> String {
    let personas: Vec<&str> = model.personas.iter().map(|p| p.name.as_str()).collect();
    let messages = messages_in_flow_order(plan);
    page::campaign_html(
        plan,
        markdown,
        &page::PageOptions {
            personas: &personas,
            persona,
            messages: &messages,
        },
    )
}

/// The campaign page with every message and the timeline rendered for
/// the persona named `persona`; `None` when the project has no such
/// persona. (What `watch --serve`'s persona picker shows.)
pub fn persona_page(
    model: &Model,
    plan: &Plan,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    renderer: &Renderer,
    persona: &str,
) -> Option<String> {
    let id = model.personas.iter().position(|p| p.name == persona)?;
    let options = PreviewOptions {
        persona: Some(PersonaId(id as u32)),
        ..PreviewOptions::default()
    };
    let preview = preview_campaign(model, plan, sources, diagnostics, renderer, &options);
    Some(campaign_html(model, plan, &preview.page, Some(persona)))
}

/// The email `message` in `locale` rendered for the persona named
/// `persona` (what a campaign page's frame shows when the persona picker
/// chose one); `None` when there is no such persona, message, locale or
/// email.
pub fn persona_email(
    model: &Model,
    plan: &Plan,
    renderer: &Renderer,
    message: &str,
    locale: &str,
    persona: &str,
) -> Option<String> {
    let id = model.personas.iter().position(|p| p.name == persona)?;
    let options = PreviewOptions {
        persona: Some(PersonaId(id as u32)),
        message: Some(message.to_string()),
        locale: Some(locale.to_string()),
    };
    if !plan.messages.contains_key(message) || !plan.locales.iter().any(|l| l == locale) {
        return None;
    }
    let preview = preview_campaign(model, plan, &SourceMap::default(), &[], renderer, &options);
    preview
        .emails
        .into_iter()
        .find(|(m, l, _)| m == message && l == locale)
        .map(|(_, _, html)| html)
}

/// The files about the whole project: `previews/index.html`,
/// `previews/forecast.html`, the pages' assets and `coverage.md`.
/// `sections[i]` is `plans[i]`'s section of the index
/// ([`CampaignFiles::index_section`]); `pressure` is the coverage page's pressure section
/// ([`coverage::pressure_markdown`], the costly part, which a live build
/// computes with its cache).
pub fn project_files(
    model: &Model,
    plans: &[Plan],
    sections: &[&str],
    pressure: String,
) -> Vec<(PathBuf, String)> {
    vec![
        (
            PathBuf::from("previews/index.html"),
            index::index_html(sections),
        ),
        (
            PathBuf::from("previews/forecast.html"),
            index::forecast_html(),
        ),
    ]
    .into_iter()
    .chain(page::asset_files())
    .chain([(
        PathBuf::from("coverage.md"),
        coverage::coverage_markdown(&model.stages, plans) + &pressure,
    )])
    .collect()
}

/// Message names in the order of their first send in the source (by
/// line), then any the plan lists but no node sends.
pub fn messages_in_flow_order(plan: &Plan) -> Vec<String> {
    let mut sends: Vec<(u32, &String)> = plan
        .nodes
        .iter()
        .filter_map(|(id, n)| match n {
            Node::Send { message, .. } => Some((plan.node_line(id), message)),
            _ => None,
        })
        .collect();
    sends.sort();
    let mut out: Vec<String> = Vec::new();
    for name in sends
        .into_iter()
        .map(|(_, m)| m)
        .chain(plan.messages.keys())
    {
        if !out.contains(name) {
            out.push(name.clone());
        }
    }
    out
}

/// The diagnostics whose span lies in the campaign or in a message it
/// sends, sorted by file and position.
pub fn diagnostics_for(model: &Model, plan: &Plan, diagnostics: &[Diagnostic]) -> Vec<Diagnostic> {
    let mut spans: Vec<Span> = model
        .campaign_named(&plan.campaign)
        .map(|c| c.span)
        .into_iter()
        .collect();
    spans.extend(
        plan.messages
            .keys()
            .filter_map(|name| model.message_named(name))
            .map(|m| m.span),
    );
    let inside = |d: &Diagnostic| {
        spans
            .iter()
            .any(|s| s.file == d.span.file && s.start <= d.span.start && d.span.end <= s.end)
    };
    let mut out: Vec<Diagnostic> = diagnostics.iter().filter(|d| inside(d)).cloned().collect();
    out.sort_by_key(|d| (d.span.file, d.span.start, d.span.end, d.code));
    out
}
