//! `campaignc preview [DIR] [--campaign C] [--message M] [--locale L]
//! [--persona P]`: prints the Markdown preview of one campaign (or one of
//! its messages, or one locale) to stdout — the page `build` writes to
//! `previews/<campaign>.md`. Finding what the flags name is
//! [`resolve_request`]; rendering is [`preview_campaign`]; this prints.

use std::path::PathBuf;

use clap_complete::engine::ArgValueCompleter;

use super::completions;
use super::report::{compile_without_errors, report, DiagnosticArgs};
use super::{output, Exit};
use crate::preview::{preview_campaign, resolve_request, PreviewRequest, PreviewRequestError};
use crate::template::Renderer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The campaign to preview (may be left out when the project has one).
    #[arg(long, value_name = "C", add = ArgValueCompleter::new(completions::campaigns))]
    pub campaign: Option<String>,
    /// Only this message of the campaign.
    #[arg(long, value_name = "M", add = ArgValueCompleter::new(completions::messages))]
    pub message: Option<String>,
    /// Only this locale (one of the campaign's `locales`).
    #[arg(long, value_name = "L", add = ArgValueCompleter::new(completions::locales))]
    pub locale: Option<String>,
    /// Render every locale with this persona instead of each locale's own.
    #[arg(long, value_name = "P", add = ArgValueCompleter::new(completions::personas))]
    pub persona: Option<String>,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let (compilation, diagnostics) = match compile_without_errors(&args.dir, &args.diagnostics) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let model = &compilation.model;
    let request = PreviewRequest {
        campaign: args.campaign.as_deref(),
        message: args.message.as_deref(),
        locale: args.locale.as_deref(),
        persona: args.persona.as_deref(),
    };
    let (plan, options) = match resolve_request(model, &compilation.sources, &request) {
        Ok(found) => found,
        Err(PreviewRequestError::NoCampaigns) => {
            output::fatal(format!(
                "the project in {} has no campaigns",
                args.dir.display()
            ));
            return Exit::Usage;
        }
        Err(err) => {
            output::fatal(err);
            return Exit::Usage;
        }
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
