//! `campaignc render --plans OUT_DIR`: the reference renderer for sending
//! systems. JSON lines on stdin, one JSON line per request on stdout
//! (docs/plan-format.md, "Rendering"). It reads only the plans. The work
//! is [`crate::render::stream`]; this opens the streams.

use std::io;
use std::path::PathBuf;

use super::{output, Exit};
use crate::render::stream::{run as render_stream, Plans};
use crate::template::Renderer;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The build's output directory (its `plans/*.json`), or a directory of plans.
    #[arg(long, value_name = "OUT_DIR")]
    pub plans: PathBuf,
}

/// Exit 0 when every line rendered, 1 when some line was an error (its
/// answer says why), 2 when the plans cannot be read or the streams fail.
pub fn run(args: &Args) -> Exit {
    let plans = match Plans::load(&args.plans) {
        Ok(plans) => plans,
        Err(message) => {
            output::fatal(message);
            return Exit::Usage;
        }
    };
    let renderer = Renderer::new();
    let stdout = io::stdout().lock();
    match render_stream(
        &plans,
        &renderer,
        io::stdin().lock(),
        io::BufWriter::new(stdout),
    ) {
        Ok(summary) if summary.errors == 0 => Exit::Clean,
        Ok(summary) => {
            output::stderr(&format!(
                "{} of {} requests could not be rendered (see their `error`)\n",
                summary.errors, summary.lines
            ));
            Exit::Problems
        }
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => {
            output::record_stdout_failure(&err);
            Exit::Usage
        }
        Err(err) => {
            output::fatal(format!("cannot render the stream: {err}"));
            Exit::Usage
        }
    }
}
