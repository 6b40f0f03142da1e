//! `campaignc sql [DIR] --dialect D [--out DIR]`: every segment, score and
//! campaign audience of the project as a SQL query for one engine
//! ([`crate::sql::queries`]). Without `--out` the queries are printed one
//! after another; with it, each is written to `segments/NAME.sql`,
//! `scores/NAME.sql` or `audiences/NAME.sql` under the directory (files of
//! those names are replaced; nothing else there is touched).

use std::path::PathBuf;

use super::report::{compile_without_errors, report, DiagnosticArgs};
use super::{output, Exit};
use crate::sql::{self, Dialect};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The project directory: every .camp file under it, recursively.
    #[arg(default_value = "campaigns")]
    pub dir: PathBuf,
    /// The SQL engine: duckdb, postgres, spark, bigquery or snowflake.
    #[arg(long, value_name = "DIALECT")]
    pub dialect: Dialect,
    /// Write one .sql file per query under DIR instead of printing them.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub diagnostics: DiagnosticArgs,
}

pub fn run(args: &Args) -> Exit {
    let (compilation, diagnostics) = match compile_without_errors(&args.dir, &args.diagnostics) {
        Ok(found) => found,
        Err(exit) => return exit,
    };
    let queries = sql::queries(&compilation.model, &compilation.sources, args.dialect);
    match &args.out {
        None => {
            let text: Vec<&str> = queries.iter().map(|q| q.sql.as_str()).collect();
            output::stdout(&text.join("\n"));
        }
        Some(out) => {
            for q in &queries {
                let path = out.join(q.file_name());
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&path, &q.sql));
                if let Err(err) = written {
                    output::fatal(format!("cannot write {}: {err}", path.display()));
                    return Exit::Usage;
                }
            }
            output::stderr(&crate::text::escape_control(&format!(
                "wrote {} queries for {} in {}\n",
                queries.len(),
                args.dialect.title(),
                out.display()
            )));
        }
    }
    if diagnostics.is_empty() {
        Exit::Clean
    } else {
        report(&diagnostics, &compilation.sources, &args.diagnostics)
    }
}
