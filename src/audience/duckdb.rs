//! The embedded engine (the cargo feature `duckdb`): an in-process DuckDB
//! over population files (`--customers FILE --events FILE`: JSON Lines,
//! CSV or Parquet by extension) or a DuckDB database file (`--duckdb`).
//!
//! DuckDB reads the files itself (`read_json`, `read_csv`,
//! `read_parquet`) into the conventional tables of docs/population.md,
//! each attribute cast to its column type: a value of the wrong type is
//! an error naming the file, not a silently unset attribute. JSON Lines
//! and CSV are read once into in-memory tables; Parquet (already typed
//! and columnar) is read in place through views.
//!
//! The bundled engine has no ICU extension (the `duckdb` crate compiles
//! it only with a CMake checkout), so the time-zone conversion the
//! DuckDB dialect uses for calendar days (`t AT TIME ZONE tz`, DuckDB's
//! `timezone(tz, t)`) is registered here as Rust functions over jiff's
//! time-zone database, the simulator's. Extensions are never installed or
//! loaded from the network.

use std::path::Path;

use duckdb::core::{DataChunkHandle, LogicalTypeHandle, LogicalTypeId};
use duckdb::types::{DuckString, ValueRef};
use duckdb::vscalar::{ScalarFunctionSignature, VScalar};
use duckdb::vtab::arrow::WritableVector;
use duckdb::{AccessMode, Config, Connection};

use super::{Cell, Engine};
use crate::check::model::{Model, Type, Warehouse};
use crate::population::read::Encoding;
use crate::sql::Dialect;

/// An in-process DuckDB holding (or viewing) the customer data.
pub struct Duckdb {
    conn: Connection,
    /// The data is population files in the conventional layout (not a
    /// database in the project's mapping).
    files: bool,
}

/// The file formats the engine reads, by extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Jsonl,
    Csv,
    Parquet,
}

impl FileFormat {
    /// The format of `path` by its extension: `.parquet`, or the
    /// population files' `.jsonl`/`.ndjson` and `.csv`.
    pub fn of(path: &Path) -> Result<FileFormat, String> {
        let parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        if parquet {
            return Ok(FileFormat::Parquet);
        }
        match Encoding::of_path(path) {
            Ok(Encoding::JsonLines) => Ok(FileFormat::Jsonl),
            Ok(Encoding::Csv) => Ok(FileFormat::Csv),
            Err(_) => Err(format!(
                "{}: not a population file the embedded engine reads: name it .jsonl, .csv or .parquet",
                path.display()
            )),
        }
    }
}

fn config(read_only: bool) -> Result<Config, duckdb::Error> {
    let config = Config::default()
        .enable_autoload_extension(false)?
        .with("autoinstall_known_extensions", "false")?;
    if read_only {
        config.access_mode(AccessMode::ReadOnly)
    } else {
        Ok(config)
    }
}

fn engine_error(e: duckdb::Error) -> String {
    e.to_string()
}

impl Duckdb {
    /// An empty in-memory database with the time-zone functions.
    pub fn in_memory() -> Result<Duckdb, String> {
        let conn = Connection::open_in_memory_with_flags(config(false).map_err(engine_error)?)
            .map_err(|e| format!("cannot start the embedded engine: {e}"))?;
        set_up_time_zones(&conn)?;
        Ok(Duckdb { conn, files: true })
    }

    /// The population files `customers` and `events` as the conventional
    /// tables, typed by `model`'s schema.
    pub fn files(model: &Model, customers: &Path, events: &Path) -> Result<Duckdb, String> {
        let db = Duckdb::in_memory()?;
        db.read_customers(model, customers)?;
        db.read_events(events)?;
        Ok(db)
    }

    /// A DuckDB database file, read-only, in the project's warehouse
    /// mapping (the conventional layout without one).
    pub fn database(path: &Path) -> Result<Duckdb, String> {
        if !path.is_file() {
            return Err(format!("{}: no such DuckDB database file", path.display()));
        }
        let conn = Connection::open_with_flags(path, config(true).map_err(engine_error)?)
            .map_err(|e| format!("cannot open {} as a DuckDB database: {e}", path.display()))?;
        set_up_time_zones(&conn)?;
        Ok(Duckdb { conn, files: false })
    }

    /// The connection, for callers that write files from the tables
    /// (`campaignc sample-data --format parquet`).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn read_customers(&self, model: &Model, path: &Path) -> Result<(), String> {
        let format = FileFormat::of(path)?;
        let file = SQL.string(&path.to_string_lossy());
        let mut columns = vec!["CAST(customer AS VARCHAR) AS customer_id".to_string()];
        for attr in &model.schema.attrs {
            let name = SQL.ident(&attr.name);
            let value = match format {
                FileFormat::Jsonl => {
                    let path = SQL.string(&format!("$.\"{}\"", attr.name));
                    if is_json(&attr.ty) {
                        format!("NULLIF(json_extract(attributes, {path}), 'null')")
                    } else {
                        format!("json_extract_string(attributes, {path})")
                    }
                }
                FileFormat::Csv | FileFormat::Parquet => name.clone(),
            };
            columns.push(format!(
                "CAST({value} AS {}) AS {name}",
                SQL.column_type(&attr.ty)
            ));
        }
        let (from, kind) = match format {
            FileFormat::Jsonl => (
                format!("read_json({file}, format = 'newline_delimited', columns = {{'customer': 'VARCHAR', 'attributes': 'JSON'}})"),
                "TABLE",
            ),
            FileFormat::Csv => (
                format!("read_csv({file}, header = true, all_varchar = true)"),
                "TABLE",
            ),
            FileFormat::Parquet => {
                // The Parquet layout is the table's: `customer_id`.
                columns[0] = "CAST(customer_id AS VARCHAR) AS customer_id".into();
                let mut expected = vec![("customer_id".to_string(), "VARCHAR")];
                expected.extend(
                    model
                        .schema
                        .attrs
                        .iter()
                        .map(|a| (a.name.clone(), SQL.column_type(&a.ty))),
                );
                self.check_parquet(path, &expected)?;
                (format!("read_parquet({file})"), "VIEW")
            }
        };
        let sql = format!(
            "CREATE {kind} customers AS SELECT {} FROM {from}",
            columns.join(", ")
        );
        self.load(path, &sql)
    }

    fn read_events(&self, path: &Path) -> Result<(), String> {
        let format = FileFormat::of(path)?;
        let file = SQL.string(&path.to_string_lossy());
        let (key, from, kind) = match format {
            FileFormat::Jsonl => (
                "customer",
                format!("read_json({file}, format = 'newline_delimited', columns = {{'customer': 'VARCHAR', 'at': 'VARCHAR', 'event': 'VARCHAR', 'properties': 'JSON'}})"),
                "TABLE",
            ),
            FileFormat::Csv => (
                "customer",
                format!("read_csv({file}, header = true, all_varchar = true)"),
                "TABLE",
            ),
            FileFormat::Parquet => {
                let expected = [
                    ("customer_id", "VARCHAR"),
                    ("event", "VARCHAR"),
                    ("at", "TIMESTAMPTZ"),
                    ("properties", "JSON"),
                ]
                .map(|(c, t)| (c.to_string(), t));
                self.check_parquet(path, &expected)?;
                ("customer_id", format!("read_parquet({file})"), "VIEW")
            }
        };
        let sql = format!(
            "CREATE {kind} events AS SELECT CAST(\"{key}\" AS VARCHAR) AS customer_id, CAST(\"event\" AS VARCHAR) AS \"event\", \
             CAST(\"at\" AS TIMESTAMPTZ) AS \"at\", CAST(COALESCE(CAST(\"properties\" AS VARCHAR), '{{}}') AS JSON) AS \"properties\" FROM {from}"
        );
        self.load(path, &sql)
    }

    /// Runs the statement that reads `path`.
    fn load(&self, path: &Path, sql: &str) -> Result<(), String> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))
    }

    /// A Parquet file is viewed in place, so its columns' types are
    /// checked first: a column that cannot hold its attribute's values is
    /// an error naming it, not a failure in the middle of a query.
    fn check_parquet(&self, path: &Path, expected: &[(String, &str)]) -> Result<(), String> {
        let failed = |e: duckdb::Error| format!("cannot read {}: {e}", path.display());
        {
            let file = SQL.string(&path.to_string_lossy());
            let mut stmt = self
                .conn
                .prepare(&format!("DESCRIBE SELECT * FROM read_parquet({file})"))
                .map_err(failed)?;
            let found: Vec<(String, String)> = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(failed)?
                .collect::<Result<_, _>>()
                .map_err(failed)?;
            for (column, wanted) in expected {
                let Some((_, ty)) = found.iter().find(|(name, _)| name == column) else {
                    return Err(format!(
                        "cannot read {}: it has no column `{column}` (the Parquet layout is the table's, docs/population.md)",
                        path.display()
                    ));
                };
                if !parquet_type_fits(ty, wanted) {
                    return Err(format!(
                        "cannot read {}: the column `{column}` is {ty}, which cannot hold {wanted} values",
                        path.display()
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether a Parquet column of DuckDB type `found` converts to `wanted`
/// without failing on any value.
fn parquet_type_fits(found: &str, wanted: &str) -> bool {
    let found = found.to_ascii_uppercase();
    let numeric = [
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
    ];
    match wanted {
        "VARCHAR" => found == "VARCHAR",
        "JSON" => found == "JSON" || found == "VARCHAR",
        "BOOLEAN" => found == "BOOLEAN",
        "BIGINT" => numeric.contains(&found.as_str()),
        "DATE" => found == "DATE",
        "TIMESTAMPTZ" => found.starts_with("TIMESTAMP"),
        _ if wanted.starts_with("DECIMAL") => {
            found.starts_with("DECIMAL") || numeric.contains(&found.as_str()) || found == "DOUBLE"
        }
        _ => found == wanted,
    }
}

impl Engine for Duckdb {
    fn dialect(&self) -> Dialect {
        Dialect::Duckdb
    }

    fn model<'m>(&self, project: &'m Model) -> std::borrow::Cow<'m, Model> {
        if self.files {
            let mut model = project.clone();
            model.warehouse = Warehouse::default();
            std::borrow::Cow::Owned(model)
        } else {
            std::borrow::Cow::Borrowed(project)
        }
    }

    fn materializes(&self) -> bool {
        true
    }

    fn execute(&mut self, sql: &str) -> Result<(), String> {
        self.conn.execute_batch(sql).map_err(engine_error)
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Cell>>, String> {
        let mut stmt = self.conn.prepare(sql).map_err(engine_error)?;
        let mut rows = stmt.query([]).map_err(engine_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(engine_error)? {
            let mut cells = Vec::new();
            let mut i = 0;
            while let Ok(value) = row.get_ref(i) {
                cells.push(match value {
                    ValueRef::Null => Cell::Null,
                    ValueRef::BigInt(n) => Cell::Int(n),
                    ValueRef::Int(n) => Cell::Int(n.into()),
                    ValueRef::HugeInt(n) => Cell::Int(n.clamp(0, i64::MAX as i128) as i64),
                    ValueRef::UBigInt(n) => Cell::Int(n.min(i64::MAX as u64) as i64),
                    ValueRef::Text(bytes) => {
                        Cell::Text(String::from_utf8_lossy(bytes).into_owned())
                    }
                    other => Cell::Text(format!("{:?}", other.to_owned())),
                });
                i += 1;
            }
            out.push(cells);
        }
        Ok(out)
    }
}

/// Identifier and literal quoting (DuckDB's is PostgreSQL's).
const SQL: Dialect = Dialect::Duckdb;

fn is_json(ty: &Type) -> bool {
    matches!(ty.strip_optional(), Type::List(_) | Type::Record(_))
}

/// `timezone(tz, t)`, what `t AT TIME ZONE tz` means in DuckDB with ICU:
/// an instant (TIMESTAMPTZ) to the wall-clock time in `tz` (TIMESTAMP), or
/// a wall-clock time to the instant in `tz`, read with the offset before
/// a daylight-saving change: a time in a gap moves forward, and a repeated
/// time is the later instant (jiff's "later" rule). The DuckDB dialect's
/// SQL is written for that engine (`Dialect::add_local_days` turns the
/// later instant into the simulator's earlier one), so the stand-in must
/// mean exactly what ICU means; a unit test compares the two.
struct TimeZoneFn;

impl VScalar for TimeZoneFn {
    type State = ();

    fn invoke(
        _: &(),
        input: &mut DataChunkHandle,
        output: &mut dyn WritableVector,
    ) -> Result<(), Box<dyn std::error::Error>> {
        let n = input.len();
        let zones = input.flat_vector(0);
        let times = input.flat_vector(1);
        let to_local = times.logical_type().id() == LogicalTypeId::TimestampTZ;
        let zone_names = unsafe { zones.as_slice_with_len::<duckdb::ffi::duckdb_string_t>(n) };
        let values = unsafe { times.as_slice_with_len::<i64>(n) };
        let mut out = output.flat_vector();
        // The zones of a chunk, looked up once each (customers' zones come
        // in any order; a database lookup per row was a tenth of a query).
        let mut zones_seen: std::collections::HashMap<String, jiff::tz::TimeZone> =
            std::collections::HashMap::new();
        for row in 0..n {
            if zones.row_is_null(row as u64) || times.row_is_null(row as u64) {
                out.set_null(row);
                continue;
            }
            let mut raw = zone_names[row];
            let mut name = DuckString::new(&mut raw);
            let name = name.as_str();
            let tz = match zones_seen.get(name.as_ref()) {
                Some(tz) => tz.clone(),
                None => {
                    let tz = jiff::tz::TimeZone::get(&name)
                        .map_err(|_| format!("unknown time zone `{name}`"))?;
                    zones_seen.insert(name.to_string(), tz.clone());
                    tz
                }
            };
            let result = if to_local {
                let instant = jiff::Timestamp::from_microsecond(values[row])?;
                let local = instant.to_zoned(tz).datetime();
                local.to_zoned(jiff::tz::TimeZone::UTC)?.timestamp()
            } else {
                let wall = jiff::Timestamp::from_microsecond(values[row])?
                    .to_zoned(jiff::tz::TimeZone::UTC)
                    .datetime();
                tz.to_ambiguous_zoned(wall).later()?.timestamp()
            };
            unsafe { out.as_mut_slice_with_len::<i64>(n)[row] = result.as_microsecond() };
        }
        Ok(())
    }

    fn signatures() -> Vec<ScalarFunctionSignature> {
        let ty = |id: LogicalTypeId| -> LogicalTypeHandle { id.into() };
        vec![
            ScalarFunctionSignature::exact(
                vec![ty(LogicalTypeId::Varchar), ty(LogicalTypeId::TimestampTZ)],
                ty(LogicalTypeId::Timestamp),
            ),
            ScalarFunctionSignature::exact(
                vec![ty(LogicalTypeId::Varchar), ty(LogicalTypeId::Timestamp)],
                ty(LogicalTypeId::TimestampTZ),
            ),
        ]
    }
}

/// Adds the time-zone conversions to DuckDB's `timezone` function, unless
/// the engine has them: a DuckDB built with ICU (the prebuilt libduckdb of
/// the cargo feature `duckdb-prebuilt`). Such an engine takes its session
/// time zone from the machine, which would change how instants print and
/// cast; it is set to UTC, what the bundled engine always uses.
fn set_up_time_zones(conn: &Connection) -> Result<(), String> {
    let probe = "SELECT timezone('UTC', TIMESTAMPTZ '2000-01-01 00:00:00+00')";
    if conn.query_row(probe, [], |_| Ok(())).is_ok() {
        return conn
            .execute_batch("SET TimeZone = 'UTC'")
            .map_err(|e| format!("cannot start the embedded engine: {e}"));
    }
    conn.register_scalar_function::<TimeZoneFn>("timezone")
        .map_err(|e| format!("cannot start the embedded engine: {e}"))
}

/// Writes the population files `customers` and `events` (JSON Lines or
/// CSV) as Parquet in the table layout (docs/population.md): the
/// conventional `customers` and `events` tables, typed, one file each,
/// rows in the files' order. Each file is written under a temporary name
/// and renamed when complete.
pub fn write_parquet(
    model: &Model,
    (customers, events): (&Path, &Path),
    (customers_out, events_out): (&Path, &Path),
) -> Result<(), String> {
    let db = Duckdb::files(model, customers, events)?;
    for (table, out) in [("customers", customers_out), ("events", events_out)] {
        let mut name = std::ffi::OsString::from(".");
        name.push(out.file_name().unwrap_or_default());
        name.push(".partial");
        let partial = out.with_file_name(name);
        let sql = format!(
            "COPY {table} TO {} (FORMAT parquet, COMPRESSION zstd)",
            SQL.string(&partial.to_string_lossy())
        );
        if let Err(e) = db.conn.execute_batch(&sql) {
            let _ = std::fs::remove_file(&partial);
            return Err(format!("cannot write {}: {e}", out.display()));
        }
        std::fs::rename(&partial, out)
            .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    Ok(())
}

/// Which population file a Parquet file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PopulationFile {
    Customers,
    Events,
}

/// A Parquet population file in the table layout (docs/population.md) as
/// the JSON Lines `population::read` reads, for `campaignc forecast`:
/// DuckDB reads the file in its row order on a thread of its own and
/// hands the lines over a few at a time, so memory stays the same however
/// long the file. The columns are checked against the schema first (as
/// `audience` does); the reader then checks every value and the order
/// as for JSON Lines, and its "line N" is the file's row N.
pub fn parquet_as_json_lines(
    model: &Model,
    path: &Path,
    file: PopulationFile,
) -> Result<crate::population::read::Source, String> {
    let db = Duckdb::in_memory()?;
    // Instants as RFC 3339 text in UTC (the population files' form);
    // every other value as DuckDB writes it in JSON.
    let instant = |column: &str| {
        format!(
            "strftime(CAST({} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%fZ')",
            SQL.ident(column)
        )
    };
    let select = match file {
        PopulationFile::Customers => {
            db.read_customers(model, path)?;
            let attrs: Vec<String> = model
                .schema
                .attrs
                .iter()
                .map(|a| {
                    let value = match a.ty.strip_optional() {
                        Type::Time => instant(&a.name),
                        _ => SQL.ident(&a.name),
                    };
                    format!("{}, {value}", SQL.string(&a.name))
                })
                .collect();
            format!(
                "SELECT CAST(json_object('customer', customer_id, 'attributes', json_object({})) AS VARCHAR) FROM customers",
                attrs.join(", ")
            )
        }
        PopulationFile::Events => {
            db.read_events(path)?;
            format!(
                "SELECT CAST(json_object('customer', customer_id, 'at', {}, 'event', \"event\", 'properties', properties) AS VARCHAR) FROM events",
                instant("at")
            )
        }
    };
    let (lines, chunks) = std::sync::mpsc::sync_channel::<Result<Vec<u8>, String>>(4);
    let shown = path.display().to_string();
    std::thread::Builder::new()
        .name("campaignc-parquet".into())
        .spawn(move || {
            const CHUNK: usize = 1 << 20;
            let read = || -> Result<(), String> {
                let mut stmt = db.conn.prepare(&select).map_err(engine_error)?;
                let mut chunk = Vec::with_capacity(CHUNK);
                for batch in stmt.stream_arrow([]).map_err(engine_error)? {
                    let batch = batch.map_err(engine_error)?;
                    let column = batch.column(0);
                    let Some(text) = column
                        .as_any()
                        .downcast_ref::<duckdb::arrow::array::StringArray>()
                    else {
                        return Err(format!(
                            "the engine gave its lines as {}, not text",
                            column.data_type()
                        ));
                    };
                    for line in text.iter() {
                        chunk.extend_from_slice(line.unwrap_or("null").as_bytes());
                        chunk.push(b'\n');
                    }
                    if chunk.len() >= CHUNK {
                        let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                        if lines.send(Ok(full)).is_err() {
                            // The reader stopped (an error, or it is done).
                            return Ok(());
                        }
                    }
                }
                if !chunk.is_empty() {
                    let _ = lines.send(Ok(chunk));
                }
                Ok(())
            };
            if let Err(e) = read() {
                let _ = lines.send(Err(format!("cannot read {shown}: {e}")));
            }
        })
        .map_err(|e| format!("cannot start reading {}: {e}", path.display()))?;
    Ok(crate::population::read::Source {
        path: path.to_path_buf(),
        reader: Box::new(std::io::BufReader::with_capacity(
            1 << 16,
            ChannelReader {
                chunks,
                chunk: Vec::new(),
                at: 0,
            },
        )),
        encoding: Encoding::JsonLines,
    })
}

/// The lines a reading thread sends, as a byte stream.
struct ChannelReader {
    chunks: std::sync::mpsc::Receiver<Result<Vec<u8>, String>>,
    chunk: Vec<u8>,
    at: usize,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.chunks.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Ok(Err(e)) => return Err(std::io::Error::other(e)),
                // The thread is done: the end of the file.
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// The number of rows of a Parquet file, from its metadata.
pub fn parquet_rows(path: &Path) -> Option<u64> {
    let conn = Connection::open_in_memory_with_flags(config(false).ok()?).ok()?;
    conn.query_row(
        &format!(
            "SELECT CAST(SUM(num_rows) AS BIGINT) FROM parquet_file_metadata({})",
            SQL.string(&path.to_string_lossy())
        ),
        [],
        |r| r.get::<_, i64>(0),
    )
    .ok()
    .and_then(|n| u64::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the engine has DuckDB's ICU extension (the prebuilt library
    /// has; the bundled engine has not).
    fn has_icu(conn: &Connection) -> bool {
        conn.query_row(
            "SELECT count(*) FROM duckdb_extensions() WHERE extension_name = 'icu' AND loaded",
            [],
            |r| r.get::<_, i64>(0),
        )
        .unwrap()
            == 1
    }

    /// The Rust `timezone` that stands in for ICU's, registered under
    /// another name beside the engine's own. On an engine with ICU (the
    /// prebuilt library) the two must agree both ways on every quarter hour
    /// around the daylight-saving changes of zones with and without them:
    /// the DuckDB dialect's SQL is written for what ICU means (a repeated
    /// hour is the later instant, which `Dialect::add_local_days` turns
    /// into the simulator's earlier one). A stand-in that took the earlier
    /// instant itself made a window an hour early just after the repeated
    /// hour. On the bundled engine, without ICU, the stand-in is the only
    /// one and must give the known answers.
    #[test]
    fn the_time_zone_functions_agree_with_icu() {
        let db = Duckdb::in_memory().unwrap();
        let conn = db.connection();
        conn.register_scalar_function::<TimeZoneFn>("campaignc_timezone")
            .unwrap();
        let rows: Vec<[String; 6]> = {
            let mut stmt = conn
                .prepare(
                    "WITH zones(z) AS (VALUES ('Europe/Prague'), ('America/New_York'), \
                       ('Asia/Ho_Chi_Minh'), ('Asia/Taipei'), ('Australia/Adelaide'), ('UTC')), \
                     days(d) AS (VALUES (TIMESTAMP '2026-03-07'), (TIMESTAMP '2026-03-28'), \
                       (TIMESTAMP '2026-04-04'), (TIMESTAMP '2026-10-03'), (TIMESTAMP '2026-10-24'), \
                       (TIMESTAMP '2026-10-31')), \
                     walls(w) AS (SELECT d + to_minutes(m) FROM days, range(0, 3 * 24 * 60, 15) r(m)), \
                     t AS (SELECT z, w, (w::VARCHAR || '+00')::TIMESTAMPTZ AS i FROM zones, walls) \
                     SELECT z, w::VARCHAR, \
                       campaignc_timezone(z, w)::VARCHAR, timezone(z, w)::VARCHAR, \
                       campaignc_timezone(z, i)::VARCHAR, timezone(z, i)::VARCHAR \
                     FROM t ORDER BY z, w",
                )
                .unwrap();
            stmt.query_map([], |r| {
                Ok([
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ])
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
        };
        assert_eq!(rows.len(), 6 * 6 * 3 * 24 * 4);
        if has_icu(conn) {
            for [zone, wall, ours_instant, icu_instant, ours_local, icu_local] in &rows {
                assert_eq!(ours_instant, icu_instant, "{wall} in {zone}, to an instant");
                assert_eq!(ours_local, icu_local, "{wall} UTC, to {zone}'s wall clock");
            }
        }
        // Known answers, whichever engine: Prague's clocks go forward at
        // 02:00 on 29 March 2026 (02:30 does not exist and moves to 03:30
        // summer time, 01:30 UTC) and back at 03:00 on 25 October (02:30
        // happens twice: the later, winter time, 01:30 UTC); New York's go
        // back at 02:00 on 1 November (01:30 twice: 06:30 UTC; 02:00 once,
        // 07:00 UTC); an instant in New York's repeated hour is 01:30
        // either way.
        let known = [
            (
                "Europe/Prague",
                "TIMESTAMP '2026-03-29 02:30:00'",
                "2026-03-29 01:30:00+00",
            ),
            (
                "Europe/Prague",
                "TIMESTAMP '2026-10-25 02:30:00'",
                "2026-10-25 01:30:00+00",
            ),
            (
                "America/New_York",
                "TIMESTAMP '2026-11-01 01:30:00'",
                "2026-11-01 06:30:00+00",
            ),
            (
                "America/New_York",
                "TIMESTAMP '2026-11-01 02:00:00'",
                "2026-11-01 07:00:00+00",
            ),
            (
                "America/New_York",
                "TIMESTAMPTZ '2026-11-01 05:30:00+00'",
                "2026-11-01 01:30:00",
            ),
            (
                "America/New_York",
                "TIMESTAMPTZ '2026-11-01 06:30:00+00'",
                "2026-11-01 01:30:00",
            ),
        ];
        for (zone, time, expected) in known {
            let ours: String = conn
                .query_row(
                    &format!("SELECT campaignc_timezone('{zone}', {time})::VARCHAR"),
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(ours, expected, "{time} in {zone}");
        }
    }

    /// An engine with ICU runs in UTC whatever the machine's zone (it
    /// would take the machine's, `Etc/UTC` at best), as the bundled one
    /// does.
    #[test]
    fn the_session_time_zone_is_utc() {
        let db = Duckdb::in_memory().unwrap();
        let conn = db.connection();
        if has_icu(conn) {
            let zone: String = conn
                .query_row("SELECT current_setting('TimeZone')", [], |r| r.get(0))
                .unwrap();
            assert_eq!(zone, "UTC");
        }
        let printed: String = conn
            .query_row(
                "SELECT TIMESTAMPTZ '2026-11-30 07:00:00+00'::VARCHAR",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(printed, "2026-11-30 07:00:00+00");
    }
}
