//! `campaignc preview [DIR] [--campaign C] [--message M] [--locale L]
//! [--persona P]`: prints the Markdown preview of one campaign (or one of
//! its messages, or one locale) to stdout — the page `build` writes to
//! `previews/<campaign>.md`.

use std::path::PathBuf;

use super::report::{report, DiagnosticArgs};
use super::{output, Exit};
use crate::check::model::PersonaId;
use crate::check::resolve::suggest::{closest, closest_locale};
use crate::preview::{preview_campaign, PreviewOptions};
use crate::template::Renderer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The campaign to preview (may be left out when the project has one).
    #[arg(long, value_name = "C")]
    pub campaign: Option<String>,
    /// Only this message of the campaign.
    #[arg(long, value_name = "M")]
    pub message: Option<String>,
    /// Only this locale (one of the campaign's `locales`).
    #[arg(long, value_name = "L")]
    pub locale: Option<String>,
    /// Render every locale with this persona instead of each locale's own.
    #[arg(long, value_name = "P")]
    pub persona: Option<String>,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let compilation = match crate::compile(&args.dir) {
        Ok(c) => c,
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
    };
    let diagnostics = compilation.problems.into_sorted();
    if diagnostics.iter().any(|d| d.is_error()) {
        // A project with errors has no plans to preview: show why.
        report(&diagnostics, &compilation.sources, &args.diagnostics);
        return Exit::Problems;
    }
    let model = &compilation.model;
    let campaign_names: Vec<&str> = model.campaigns.iter().map(|c| c.name.as_str()).collect();
    let campaign = match (&args.campaign, campaign_names.as_slice()) {
        (Some(name), names) => match model.campaigns.iter().position(|c| &c.name == name) {
            Some(i) => i,
            None => {
                return unknown(
                    &format!("unknown campaign `{name}`"),
                    closest(name, names.iter().copied()),
                    names,
                )
            }
        },
        (None, [_]) => 0,
        (None, []) => {
            output::fatal(format!(
                "the project in {} has no campaigns",
                args.dir.display()
            ));
            return Exit::Usage;
        }
        (None, names) => {
            output::fatal(format!(
                "which campaign? pass `--campaign NAME`, one of: {}",
                names.join(", ")
            ));
            return Exit::Usage;
        }
    };
    let plan = crate::plan::lower(
        model,
        &compilation.sources,
        crate::check::model::CampaignId(campaign as u32),
    );
    if let Some(m) = &args.message {
        let names: Vec<&str> = plan.messages.keys().map(String::as_str).collect();
        if !plan.messages.contains_key(m) {
            return unknown(
                &format!("campaign `{}` sends no message `{m}`", plan.campaign),
                closest(m, names.iter().copied()),
                &names,
            );
        }
    }
    if let Some(l) = &args.locale {
        let names: Vec<&str> = plan.locales.iter().map(String::as_str).collect();
        if !plan.locales.contains(l) {
            return unknown(
                &format!("campaign `{}` does not send in locale `{l}`", plan.campaign),
                closest_locale(l, names.iter().copied()),
                &names,
            );
        }
    }
    let persona = match &args.persona {
        Some(p) => match model.personas.iter().position(|x| &x.name == p) {
            Some(i) => Some(PersonaId(i as u32)),
            None => {
                let names: Vec<&str> = model.personas.iter().map(|x| x.name.as_str()).collect();
                return unknown(
                    &format!("unknown persona `{p}`"),
                    closest(p, names.iter().copied()),
                    &names,
                );
            }
        },
        None => None,
    };
    let options = PreviewOptions {
        message: args.message.clone(),
        locale: args.locale.clone(),
        persona,
    };
    let preview = preview_campaign(
        model,
        &plan,
        &compilation.sources,
        &diagnostics,
        &Renderer::new(),
        &options,
    );
    // The page goes to a terminal: no raw control characters from the
    // project or its personas.
    output::stdout(&crate::text::escape_control(&preview.page));
    if !diagnostics.is_empty() {
        // Warnings go to stderr as usual; they are also on the page.
        return report(&diagnostics, &compilation.sources, &args.diagnostics);
    }
    Exit::Clean
}

/// `error: unknown campaign `x`; did you mean `y`?` and the list: exit 2.
/// A usage error for a name the command line gave: `problem`, the closest
/// known name as "did you mean", and the known names.
fn unknown(problem: &str, closest: Option<&str>, known: &[&str]) -> Exit {
    let suggestion = closest
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    output::fatal(format!(
        "{problem}{suggestion}\n  known: {}",
        if known.is_empty() {
            "(none)".to_string()
        } else {
            known.join(", ")
        }
    ));
    Exit::Usage
}
