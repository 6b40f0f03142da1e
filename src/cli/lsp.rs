//! `campaignc lsp`: the language server over stdio.

use super::{output, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Speak over stdin and stdout (the only transport; accepted because
    /// editor clients pass it).
    #[arg(long)]
    pub stdio: bool,
}

pub fn run(_args: &Args) -> Exit {
    match crate::lsp::serve_stdio() {
        Ok(true) => Exit::Clean,
        // `exit` without `shutdown` first: the protocol asks for status 1.
        Ok(false) => Exit::Problems,
        Err(error) => {
            output::stderr(&format!("error: the language server stopped: {error}\n"));
            Exit::Usage
        }
    }
}
