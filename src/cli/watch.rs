//! `campaignc watch [DIR] [--out DIR] [--serve ADDR]`: build once, then
//! rebuild after every save of a `.camp` file, printing one status line
//! per rebuild; with `--serve`, a local preview site that reloads itself.
//!
//! The loop is [`crate::driver::watch::watch_project`]: it keeps the
//! project in a [`crate::driver::Workspace`] and rebuilds incrementally,
//! exactly what `build` writes; a rebuild that finds errors writes nothing
//! and the previous output stays in place. This command handles the
//! arguments, the optional server and the printing. Ctrl-C ends the
//! process; every output file is written atomically, so an interrupted
//! rebuild leaves each file whole.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use super::report::Deny;
use super::{output, Exit};
use crate::driver::review::ReviewPages;
use crate::driver::watch::{watch_project, WatchEvent, WatchOptions};
use crate::serve::{self, Site};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// Where to write plans and previews (as `build --out`).
    #[arg(long, value_name = "DIR", default_value = "out")]
    pub out: PathBuf,
    /// Also serve the output over HTTP on ADDR (`127.0.0.1:8000`,
    /// `localhost:8000` or `8000`); pages reload after each rebuild.
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<String>,
    /// Treat warnings as errors: a rebuild with warnings writes nothing.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub deny: Vec<Deny>,
}

pub fn run(args: &Args) -> Exit {
    let served = match args.serve.as_deref().map(serve::parse_serve_addr) {
        None => None,
        Some(Ok(addr)) => Some(addr),
        Some(Err(message)) => {
            output::fatal(message);
            return Exit::Usage;
        }
    };
    let site = Arc::new(Site::new(&args.out));
    let review = Arc::new(ReviewPages::new());
    site.set_pages(Arc::clone(&review) as Arc<dyn serve::Pages>);
    // Bound before the first build, so a port in use fails at once.
    let _server = match served {
        None => None,
        Some(addr) => match start_server(addr, &site) {
            Ok(server) => Some(server),
            Err(exit) => return exit,
        },
    };
    let options = WatchOptions {
        dir: args.dir.clone(),
        out: args.out.clone(),
        deny_warnings: args.deny.contains(&Deny::Warnings),
        debounce: Duration::from_millis(200),
        keep_project: served.is_some(),
    };
    output::stderr(&format!(
        "watching {} for changes to .camp files (Ctrl-C to stop)\n",
        args.dir.display()
    ));
    // Nothing sets this: the loop runs until Ctrl-C ends the process.
    let stop = AtomicBool::new(false);
    let result = watch_project(&options, &stop, |event| match event {
        WatchEvent::Rebuilt(rebuild) => {
            // Told before the line is printed: whoever reads "built" can
            // already see the new version.
            if let Some(project) = &rebuild.project {
                review.set_project(Arc::clone(project));
            }
            if rebuild.built.is_some() {
                site.built(rebuild.summary.clone());
            } else {
                site.failed(rebuild.summary.clone(), rebuild.diagnostics.clone());
            }
            output::stderr(&rebuild.text);
        }
        WatchEvent::Notice(line) => output::stderr(line),
    });
    match result {
        Ok(()) => Exit::Clean,
        Err(err) => {
            output::fatal(err);
            Exit::Usage
        }
    }
}

fn start_server(addr: serve::ServeAddr, site: &Arc<Site>) -> Result<serve::Server, Exit> {
    if !addr.loopback {
        output::stderr(&format!(
            "warning: serving on {}, which other machines can reach: anyone on the network \
             can read the previews; use 127.0.0.1 to keep them to this machine\n",
            addr.addr
        ));
    }
    let listener = std::net::TcpListener::bind(addr.addr).map_err(|err| {
        output::fatal(format!("cannot serve on {}: {err}", addr.addr));
        Exit::Usage
    })?;
    let server = serve::start(listener, Arc::clone(site)).map_err(|err| {
        output::fatal(format!("cannot start the preview server: {err}"));
        Exit::Usage
    })?;
    output::stderr(&format!(
        "serving the previews in {} at http://{}/\n",
        site.root().display(),
        server.addr()
    ));
    Ok(server)
}
