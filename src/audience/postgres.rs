//! PostgreSQL: connecting (`--db postgres://…` or `CAMPAIGNC_DB`),
//! running an audience's breakdown, and loading population files into the
//! conventional tables with `COPY` (docs/population.md).
//!
//! The synchronous client of the `postgres` crate: `campaignc` is a batch
//! tool and runs one query after another. No TLS yet (`NoTls`): a server
//! that requires it refuses the connection with a message saying so.

use std::io::{BufRead, Write};
use std::path::Path;

use postgres::{Client, NoTls};

use super::{Cell, Engine};
use crate::check::model::Model;
use crate::sql::Dialect;

/// A connection to a PostgreSQL server.
pub struct Database {
    client: Client,
}

impl Database {
    /// Connects with a URL (`postgres://user@host:5432/db`) or a key=value
    /// string (`host=/run/postgresql dbname=shop`). The error never
    /// repeats the connection string (it may hold a password).
    pub fn connect(connection: &str) -> Result<Database, String> {
        Client::connect(connection, NoTls)
            .map(|client| Database { client })
            .map_err(|e| format!("cannot connect to the PostgreSQL server: {}", describe(&e)))
    }

    /// Creates the conventional tables for the project's schema
    /// (`customers`, `events`; an error when they exist) and copies the
    /// population files into them. The files are trusted to be what
    /// `campaignc sample-data` writes (`.jsonl` or `.csv` by their
    /// extension); a line that is not JSON is an error with its number.
    pub fn load(
        &mut self,
        model: &Model,
        customers: &Path,
        events: &Path,
    ) -> Result<(u64, u64), String> {
        let mut columns = vec!["customer_id TEXT PRIMARY KEY".to_string()];
        columns.extend(model.schema.attrs.iter().map(|a| {
            format!(
                "{} {}",
                super::ident(&a.name),
                Dialect::Postgres.column_type(&a.ty)
            )
        }));
        let ddl = format!(
            "CREATE TABLE customers ({});\n\
             CREATE TABLE events (customer_id TEXT NOT NULL, event TEXT NOT NULL, at TIMESTAMPTZ NOT NULL, properties JSONB NOT NULL);",
            columns.join(", ")
        );
        let sql_error = |e: postgres::Error| describe(&e);
        let mut tx = self.client.transaction().map_err(sql_error)?;
        tx.batch_execute(&ddl).map_err(sql_error)?;
        let names: Vec<String> = model.schema.attrs.iter().map(|a| a.name.clone()).collect();
        let n_customers = {
            let mut writer = tx.copy_in("COPY customers FROM STDIN").map_err(sql_error)?;
            let n = copy_rows(customers, &mut writer, |value, out| {
                let id = value.get("customer").and_then(|v| v.as_str()).unwrap_or("");
                out.push(cell(&serde_json::Value::String(id.into())));
                let attributes = value.get("attributes");
                for name in &names {
                    out.push(cell(
                        attributes
                            .and_then(|a| a.get(name))
                            .unwrap_or(&serde_json::Value::Null),
                    ));
                }
            })?;
            writer.finish().map_err(sql_error)?;
            n
        };
        let n_events = {
            let mut writer = tx.copy_in("COPY events FROM STDIN").map_err(sql_error)?;
            let n = copy_rows(events, &mut writer, |value, out| {
                for key in ["customer", "event", "at"] {
                    out.push(cell(value.get(key).unwrap_or(&serde_json::Value::Null)));
                }
                let properties = value
                    .get("properties")
                    .cloned()
                    .unwrap_or(serde_json::json!({}));
                out.push(cell(&serde_json::Value::String(properties.to_string())));
            })?;
            writer.finish().map_err(sql_error)?;
            n
        };
        tx.batch_execute("CREATE INDEX events_by_customer ON events (customer_id, at); ANALYZE customers; ANALYZE events;")
            .map_err(sql_error)?;
        tx.commit().map_err(sql_error)?;
        Ok((n_customers, n_events))
    }
}

impl Engine for Database {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn execute(&mut self, sql: &str) -> Result<(), String> {
        self.client.batch_execute(sql).map_err(|e| describe(&e))
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Cell>>, String> {
        let rows = self.client.query(sql, &[]).map_err(|e| describe(&e))?;
        Ok(rows
            .iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        if let Ok(n) = row.try_get::<_, Option<i64>>(i) {
                            return n.map_or(Cell::Null, Cell::Int);
                        }
                        match row.try_get::<_, Option<String>>(i) {
                            Ok(Some(text)) => Cell::Text(text),
                            _ => Cell::Null,
                        }
                    })
                    .collect()
            })
            .collect())
    }
}

/// One value as a field of `COPY … FROM STDIN` text format: `\N` for
/// unset, backslash escapes for the separators; lists and records as JSON.
fn cell(value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::Null => return "\\N".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => value.to_string(),
        other => other.to_string(),
    };
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Streams a JSONL or CSV population file into a `COPY` writer, one row
/// per line; CSV rows are read back into the JSON shape first (empty is
/// unset, lists and records are JSON text, other cells are text).
fn copy_rows(
    path: &Path,
    writer: &mut impl Write,
    mut row: impl FnMut(&serde_json::Value, &mut Vec<String>),
) -> Result<u64, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut fields = Vec::new();
    let mut n = 0;
    let mut emit = |value: &serde_json::Value, n: &mut u64| -> Result<(), String> {
        fields.clear();
        row(value, &mut fields);
        let mut line = fields.join("\t");
        line.push('\n');
        *n += 1;
        writer
            .write_all(line.as_bytes())
            .map_err(|e| format!("cannot copy {} into the database: {e}", path.display()))
    };
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .iter()
            .map(String::from)
            .collect();
        let is_events =
            header
                .iter()
                .map(String::as_str)
                .eq(["customer", "at", "event", "properties"]);
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| format!("{}: line {}: {e}", path.display(), i + 2))?;
            let mut object = serde_json::Map::new();
            let mut attributes = serde_json::Map::new();
            for (key, text) in header.iter().zip(record.iter()) {
                let value = if text.is_empty() {
                    serde_json::Value::Null
                } else {
                    serde_json::Value::String(text.to_string())
                };
                if key == "customer" || is_events {
                    object.insert(key.clone(), value);
                } else {
                    attributes.insert(key.clone(), value);
                }
            }
            if is_events {
                let properties = object
                    .get("properties")
                    .and_then(|p| p.as_str())
                    .and_then(|p| serde_json::from_str(p).ok())
                    .unwrap_or(serde_json::json!({}));
                object.insert("properties".into(), properties);
            } else {
                object.insert("attributes".into(), serde_json::Value::Object(attributes));
            }
            emit(&serde_json::Value::Object(object), &mut n)?;
        }
    } else {
        for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| format!("{}: line {}: {e}", path.display(), i + 1))?;
            if line.trim().is_empty() {
                continue;
            }
            let value: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| format!("{}: line {}: not JSON: {e}", path.display(), i + 1))?;
            emit(&value, &mut n)?;
        }
    }
    Ok(n)
}

/// A PostgreSQL error with the server's message when there is one.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = db.message().to_string();
            if let Some(detail) = db.detail() {
                text.push_str(&format!(" ({detail})"));
            }
            text
        }
        None => {
            let text = e.to_string();
            match std::error::Error::source(e) {
                Some(source) => format!("{text}: {source}"),
                None => text,
            }
        }
    }
}
