//! A throw-away PostgreSQL server for tests: `initdb` makes a cluster in a
//! temporary directory, `pg_ctl` starts it listening only on a Unix socket
//! in that directory (no TCP port, so parallel tests never clash), and
//! dropping the [`Postgres`] stops it and removes everything.
//!
//! When PostgreSQL is not installed, [`Postgres::start`] returns `None`
//! after saying so on stderr, and the test skips; with `CI=true` it panics
//! instead, because `.ci/run` installs PostgreSQL.
//!
//! PostgreSQL refuses to run as root; a test run as root (a container)
//! runs the server as the `postgres` user (or `nobody`) through `runuser`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running cluster; stopped and removed on drop.
pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    run_as: Option<String>,
}

/// The directory holding `initdb` and `pg_ctl`: on the PATH, else the
/// newest `/usr/lib/postgresql/*/bin` (Debian's layout).
fn find_bin() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| {
                let e = e.ok()?;
                let version = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").is_file().then_some((version, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

impl Postgres {
    /// Starts a new cluster, or `None` (after a message) when PostgreSQL
    /// is missing outside CI.
    pub fn start() -> Option<Postgres> {
        let Some(bin) = find_bin() else {
            let message = "PostgreSQL is not installed (no initdb on the PATH or in /usr/lib/postgresql/*/bin): install Debian's `postgresql` package, or run .ci/run";
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{message}");
            }
            eprintln!("skipped: {message}");
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("pg")
            .tempdir_in("/tmp")
            .expect("a temporary directory");
        let run_as = is_root().then(|| {
            let user = if Command::new("id")
                .arg("postgres")
                .output()
                .is_ok_and(|o| o.status.success())
            {
                "postgres"
            } else {
                "nobody"
            };
            let status = Command::new("chown")
                .arg("-R")
                .arg(user)
                .arg(dir.path())
                .status()
                .expect("chown runs");
            assert!(
                status.success(),
                "cannot give {} to {user}",
                dir.path().display()
            );
            user.to_string()
        });
        let pg = Postgres { dir, bin, run_as };
        let data = pg.data();
        pg.run(
            "initdb",
            &[
                "-D",
                data.to_str().unwrap(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
        );
        let options = format!(
            "-k {} -c listen_addresses= -F -c max_connections=20",
            pg.dir.path().display()
        );
        let log = pg.dir.path().join("server.log");
        pg.run(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-o",
                &options,
                "-w",
                "-t",
                "60",
                "start",
            ],
        );
        Some(pg)
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs a PostgreSQL program (as the server's user when we are root);
    /// panics with its output when it fails.
    fn run(&self, program: &str, args: &[&str]) {
        let path = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&path);
                c
            }
            None => Command::new(&path),
        };
        let out = command
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        if !out.status.success() {
            let log =
                std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
            panic!(
                "{program} failed: {}{}\n{log}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }

    /// The directory of the server's socket.
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// A connection string for `database` (key=value form).
    pub fn connection(&self, database: &str) -> String {
        format!(
            "host={} port=5432 user=postgres dbname={database}",
            self.socket_dir().display()
        )
    }

    /// The same as a URL, the form `--db` documents (the socket directory
    /// percent-encoded as the host).
    pub fn url(&self, database: &str) -> String {
        let host: String = self.socket_dir().to_str().unwrap().replace('/', "%2F");
        format!("postgres://postgres@{host}:5432/{database}")
    }

    /// Creates a database; returns its connection string.
    pub fn create_database(&self, name: &str) -> String {
        let mut client = postgres::Client::connect(&self.connection("postgres"), postgres::NoTls)
            .expect("connect to the test server");
        client
            .batch_execute(&format!("CREATE DATABASE \"{name}\""))
            .expect("create the database");
        self.connection(name)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let data = self.data();
        let path = self.bin.join("pg_ctl");
        let args = [
            "-D",
            data.to_str().unwrap_or(""),
            "-m",
            "immediate",
            "-w",
            "stop",
        ];
        let _ = match &self.run_as {
            Some(user) => Command::new("runuser")
                .args(["-u", user, "--"])
                .arg(&path)
                .args(args)
                .output(),
            None => Command::new(&path).args(args).output(),
        };
    }
}
