//! `campaignc man [COMMAND]`: prints the manual page (roff, from the same
//! clap definition as `--help`) of campaignc or of one of its commands, for
//! `campaignc man > campaignc.1` or `campaignc man | man -l -`.

use clap::CommandFactory;

use super::{output, Cli, Exit};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A command, for its own page (`campaignc man build`).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

pub fn run(args: &Args) -> Exit {
    let mut cli = Cli::command().disable_help_subcommand(true);
    cli.build();
    let page = match &args.command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(command) => command.clone().version(env!("CARGO_PKG_VERSION")),
            None => {
                let names: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
                output::fatal(format!(
                    "no command `{name}`; the commands are: {}",
                    names.join(", ")
                ));
                return Exit::Usage;
            }
        },
    };
    let mut roff = Vec::new();
    if let Err(err) = clap_mangen::Man::new(page).render(&mut roff) {
        output::fatal(format!("cannot write the manual page: {err}"));
        return Exit::Usage;
    }
    output::stdout(&String::from_utf8_lossy(&roff));
    Exit::Clean
}
