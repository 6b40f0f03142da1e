//! What differs between the SQL dialects: quoting, literals, JSON access,
//! local-time arithmetic. Everything else (the shape of the queries, the
//! rules of the language) is in `expr.rs` and `mod.rs`, written once.

use std::fmt;
use std::str::FromStr;

use crate::check::model::Type;

/// The SQL engines `campaignc sql` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dialect {
    Duckdb,
    Postgres,
    Spark,
    Bigquery,
    Snowflake,
}

impl Dialect {
    pub const ALL: [Dialect; 5] = [
        Dialect::Duckdb,
        Dialect::Postgres,
        Dialect::Spark,
        Dialect::Bigquery,
        Dialect::Snowflake,
    ];

    /// The name on the command line (`duckdb`, `postgres`, …).
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Duckdb => "duckdb",
            Dialect::Postgres => "postgres",
            Dialect::Spark => "spark",
            Dialect::Bigquery => "bigquery",
            Dialect::Snowflake => "snowflake",
        }
    }

    /// The engine's name for people.
    pub fn title(self) -> &'static str {
        match self {
            Dialect::Duckdb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Spark => "Spark SQL",
            Dialect::Bigquery => "BigQuery",
            Dialect::Snowflake => "Snowflake",
        }
    }

    /// How the query receives the evaluation time: the parameter marker
    /// the `params` CTE casts (bound by the caller, or replaced by
    /// [`super::Query::with_now`]).
    pub(crate) fn now_marker(self) -> &'static str {
        match self {
            Dialect::Duckdb => "$now",
            Dialect::Postgres => "$1",
            Dialect::Spark => ":now",
            Dialect::Bigquery => "@now",
            Dialect::Snowflake => ":now",
        }
    }

    /// Whether a subquery may read a column of a query two or more levels
    /// out. PostgreSQL may; Spark resolves a correlated column only one
    /// level out, and the other dialects get the same shape as Spark.
    pub(crate) fn correlates_at_any_depth(self) -> bool {
        self == Dialect::Postgres
    }

    /// The evaluation time as the query reads it: the parameter marker
    /// cast to an instant (`CAST($now AS TIMESTAMPTZ)`).
    pub(crate) fn now_param(self) -> String {
        format!("CAST({} AS {})", self.now_marker(), self.timestamp_type())
    }

    /// The type of an instant.
    pub(crate) fn timestamp_type(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Postgres => "TIMESTAMPTZ",
            Dialect::Spark | Dialect::Bigquery => "TIMESTAMP",
            Dialect::Snowflake => "TIMESTAMP_TZ",
        }
    }

    /// The exact numeric type decimals and money are computed in.
    pub(crate) fn numeric_type(self) -> &'static str {
        match self {
            Dialect::Duckdb | Dialect::Spark => "DECIMAL(38, 10)",
            Dialect::Postgres => "NUMERIC",
            Dialect::Bigquery => "BIGNUMERIC",
            Dialect::Snowflake => "NUMBER(38, 10)",
        }
    }

    pub(crate) fn int_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "INT64",
            _ => "BIGINT",
        }
    }

    pub(crate) fn text_type(self) -> &'static str {
        match self {
            Dialect::Duckdb => "VARCHAR",
            Dialect::Postgres => "TEXT",
            Dialect::Spark | Dialect::Bigquery | Dialect::Snowflake => "STRING",
        }
    }

    pub(crate) fn bool_type(self) -> &'static str {
        match self {
            Dialect::Bigquery => "BOOL",
            _ => "BOOLEAN",
        }
    }

    /// The column type of an attribute of type `ty` in the conventional
    /// layout (docs/population.md), in this dialect: what a loader
    /// creates and what the queries read.
    pub fn column_type(self, ty: &Type) -> &'static str {
        let ty = ty.strip_optional();
        match self {
            Dialect::Duckdb => match ty {
                Type::Bool => "BOOLEAN",
                Type::Int => "BIGINT",
                Type::Decimal | Type::Money(_) => "DECIMAL(38, 10)",
                Type::Time => "TIMESTAMPTZ",
                Type::Date => "DATE",
                Type::List(_) | Type::Record(_) => "JSON",
                _ => "VARCHAR",
            },
            Dialect::Postgres => match ty {
                Type::Bool => "BOOLEAN",
                Type::Int => "BIGINT",
                Type::Decimal | Type::Money(_) => "NUMERIC",
                Type::Time => "TIMESTAMPTZ",
                Type::Date => "DATE",
                Type::List(_) | Type::Record(_) => "JSONB",
                _ => "TEXT",
            },
            Dialect::Spark => match ty {
                Type::Bool => "BOOLEAN",
                Type::Int => "BIGINT",
                Type::Decimal | Type::Money(_) => "DECIMAL(38, 10)",
                Type::Time => "TIMESTAMP",
                Type::Date => "DATE",
                _ => "STRING",
            },
            Dialect::Bigquery => match ty {
                Type::Bool => "BOOL",
                Type::Int => "INT64",
                Type::Decimal | Type::Money(_) => "BIGNUMERIC",
                Type::Time => "TIMESTAMP",
                Type::Date => "DATE",
                Type::List(_) | Type::Record(_) => "JSON",
                _ => "STRING",
            },
            Dialect::Snowflake => match ty {
                Type::Bool => "BOOLEAN",
                Type::Int => "NUMBER(38, 0)",
                Type::Decimal | Type::Money(_) => "NUMBER(38, 10)",
                Type::Time => "TIMESTAMP_TZ",
                Type::Date => "DATE",
                Type::List(_) | Type::Record(_) => "VARIANT",
                _ => "VARCHAR",
            },
        }
    }

    /// An identifier, quoted only when it is not a plain lower-case word
    /// (so that Snowflake's upper-casing of unquoted names still finds
    /// tables created without quotes).
    pub fn ident(self, name: &str) -> String {
        let plain = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !RESERVED.contains(&name);
        if plain {
            return name.to_string();
        }
        match self {
            Dialect::Spark | Dialect::Bigquery => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A table name, each dot-separated part quoted as needed.
    pub fn table(self, name: &str) -> String {
        name.split('.')
            .map(|part| self.ident(part))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// A string literal.
    pub fn string(self, s: &str) -> String {
        match self {
            // Backslash is an escape character in these dialects' strings.
            Dialect::Spark | Dialect::Bigquery => {
                let mut out = String::from("'");
                for c in s.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '\'' => out.push_str("\\'"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        c => out.push(c),
                    }
                }
                out.push('\'');
                out
            }
            Dialect::Snowflake => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "''")),
            Dialect::Duckdb | Dialect::Postgres => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// An exact decimal literal (`19.90`).
    pub(crate) fn decimal(self, digits: &str) -> String {
        match self {
            Dialect::Bigquery => format!("BIGNUMERIC '{digits}'"),
            _ => format!("CAST({digits} AS {})", self.numeric_type()),
        }
    }

    /// An instant literal, from its RFC 3339 text in UTC.
    pub(crate) fn timestamp(self, rfc3339: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("TIMESTAMPTZ '{rfc3339}'"),
            Dialect::Spark | Dialect::Bigquery => format!("TIMESTAMP '{rfc3339}'"),
            Dialect::Snowflake => format!("TO_TIMESTAMP_TZ('{rfc3339}')"),
        }
    }

    pub(crate) fn date(self, iso: &str) -> String {
        format!("DATE '{iso}'")
    }

    /// `CAST(x AS ty)` that gives NULL instead of failing on bad text.
    pub(crate) fn try_cast(self, x: &str, ty: &str) -> String {
        match self {
            Dialect::Duckdb | Dialect::Spark | Dialect::Snowflake => {
                format!("TRY_CAST({x} AS {ty})")
            }
            Dialect::Bigquery => format!("SAFE_CAST({x} AS {ty})"),
            Dialect::Postgres => format!("CAST({x} AS {ty})"),
        }
    }

    /// The text of a JSON scalar at `path` of `json` (NULL when missing or
    /// JSON `null`).
    pub(crate) fn json_text(self, json: &str, path: &[String]) -> String {
        match self {
            Dialect::Duckdb => format!("json_extract_string({json}, {})", self.json_path(path)),
            Dialect::Postgres => format!("({json} #>> {})", pg_path(path)),
            Dialect::Spark => format!("get_json_object({json}, {})", self.json_path(path)),
            Dialect::Bigquery => format!("JSON_VALUE({json}, {})", self.json_path(path)),
            Dialect::Snowflake => {
                format!("GET_PATH({json}, {})::STRING", self.string(&path.join(".")))
            }
        }
    }

    /// The JSON value (a list or a record) at `path` of `json`; NULL when
    /// missing or JSON `null`.
    pub(crate) fn json_value(self, json: &str, path: &[String]) -> String {
        match self {
            Dialect::Duckdb => format!(
                "NULLIF(json_extract({json}, {}), 'null')",
                self.json_path(path)
            ),
            Dialect::Postgres => format!("NULLIF({json} #> {}, 'null'::jsonb)", pg_path(path)),
            Dialect::Spark => format!("get_json_object({json}, {})", self.json_path(path)),
            Dialect::Bigquery => format!("JSON_QUERY({json}, {})", self.json_path(path)),
            Dialect::Snowflake => {
                format!("GET_PATH({json}, {})", self.string(&path.join(".")))
            }
        }
    }

    fn json_path(self, path: &[String]) -> String {
        let mut p = String::from("$");
        for part in path {
            p.push('.');
            p.push_str(part);
        }
        self.string(&p)
    }

    /// Whether JSON list `list` holds the scalar `item` (compared as `ty`).
    pub(crate) fn list_contains(self, list: &str, item: &str, elem_ty: &str) -> String {
        match self {
            Dialect::Duckdb => format!(
                "list_contains(CAST(json_extract_string({list}, '$[*]') AS {elem_ty}[]), {item})"
            ),
            Dialect::Postgres => format!(
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text({list}) AS item(v) WHERE CAST(item.v AS {elem_ty}) = {item})"
            ),
            Dialect::Spark => format!(
                "array_contains(from_json({list}, 'array<{}>'), {item})",
                elem_ty.to_ascii_lowercase()
            ),
            Dialect::Bigquery => format!(
                "{item} IN (SELECT CAST(v AS {elem_ty}) FROM UNNEST(JSON_VALUE_ARRAY({list})) AS v)"
            ),
            Dialect::Snowflake => format!("ARRAY_CONTAINS(({item})::VARIANT, {list})"),
        }
    }

    /// Whole seconds since 1970 of an instant.
    pub(crate) fn epoch_seconds(self, t: &str) -> String {
        match self {
            Dialect::Duckdb => format!("CAST(floor(epoch({t})) AS BIGINT)"),
            Dialect::Postgres => format!("CAST(floor(EXTRACT(EPOCH FROM {t})) AS BIGINT)"),
            Dialect::Spark => format!("unix_timestamp({t})"),
            Dialect::Bigquery => format!("UNIX_SECONDS({t})"),
            Dialect::Snowflake => format!("DATE_PART(epoch_second, {t})"),
        }
    }

    /// `t` plus `seconds` (an integer expression) of elapsed time.
    pub(crate) fn add_seconds(self, t: &str, seconds: &str) -> String {
        match self {
            // On UTC wall-clock time: DuckDB without its ICU extension (the
            // embedded engine) has no `TIMESTAMPTZ + INTERVAL`.
            Dialect::Duckdb => {
                format!("((({t}) AT TIME ZONE 'UTC' + to_seconds({seconds})) AT TIME ZONE 'UTC')")
            }
            Dialect::Postgres => format!("({t} + make_interval(secs => {seconds}))"),
            Dialect::Spark => format!("timestampadd(SECOND, {seconds}, {t})"),
            Dialect::Bigquery => format!("TIMESTAMP_ADD({t}, INTERVAL {seconds} SECOND)"),
            Dialect::Snowflake => format!("DATEADD(second, {seconds}, {t})"),
        }
    }

    /// `t` plus `days` calendar days in time zone `tz`: the local date
    /// moves, the local clock time stays (23 or 25 hours across a
    /// daylight-saving change).
    ///
    /// A local time that happens twice (the hour after clocks go back) is
    /// the earlier instant, as in the reference evaluator (jiff's
    /// "compatible" rule); DuckDB and PostgreSQL take the later one, so
    /// they get the earlier of that and the instant an hour before the
    /// same wall clock, plus the hour. A local time in a gap (clocks go
    /// forward) is read with the offset before the gap, as the engines do.
    pub(crate) fn add_local_days(self, t: &str, days: i64, tz: &str) -> String {
        match self {
            Dialect::Duckdb => {
                let local = format!("(({t}) AT TIME ZONE {tz}) + to_days({days})");
                format!(
                    "LEAST(({local}) AT TIME ZONE {tz}, (((({local}) - INTERVAL 1 HOUR) AT TIME ZONE {tz}) AT TIME ZONE 'UTC' + INTERVAL 1 HOUR) AT TIME ZONE 'UTC')"
                )
            }
            Dialect::Postgres => {
                let local = format!("(({t}) AT TIME ZONE {tz}) + make_interval(days => {days})");
                format!(
                    "LEAST(({local}) AT TIME ZONE {tz}, (({local}) - INTERVAL '1 hour') AT TIME ZONE {tz} + INTERVAL '1 hour')"
                )
            }
            Dialect::Spark => format!(
                "to_utc_timestamp(timestampadd(DAY, {days}, from_utc_timestamp({t}, {tz})), {tz})"
            ),
            Dialect::Bigquery => format!(
                "TIMESTAMP(DATETIME_ADD(DATETIME({t}, {tz}), INTERVAL {days} DAY), {tz})"
            ),
            Dialect::Snowflake => format!(
                "CONVERT_TIMEZONE({tz}, 'UTC', DATEADD(day, {days}, CONVERT_TIMEZONE({tz}, {t})::TIMESTAMP_NTZ))"
            ),
        }
    }

    /// A date plus `days` days.
    pub(crate) fn add_date_days(self, d: &str, days: i64) -> String {
        match self {
            Dialect::Duckdb | Dialect::Postgres => format!("CAST({d} + {days} AS DATE)"),
            Dialect::Spark => format!("date_add({d}, {days})"),
            Dialect::Bigquery => format!("DATE_ADD({d}, INTERVAL {days} DAY)"),
            Dialect::Snowflake => format!("DATEADD(day, {days}, {d})"),
        }
    }

    /// Whether text `a` contains, starts with or ends with `b`.
    pub(crate) fn text_op(self, op: TextOp, a: &str, b: &str) -> String {
        match (self, op) {
            (Dialect::Snowflake, TextOp::Contains) => format!("CONTAINS({a}, {b})"),
            (Dialect::Spark, TextOp::Contains) => format!("instr({a}, {b}) > 0"),
            (_, TextOp::Contains) => format!("strpos({a}, {b}) > 0"),
            (Dialect::Duckdb | Dialect::Postgres, TextOp::StartsWith) => {
                format!("starts_with({a}, {b})")
            }
            (Dialect::Spark, TextOp::StartsWith) => format!("startswith({a}, {b})"),
            (Dialect::Bigquery, TextOp::StartsWith) => format!("STARTS_WITH({a}, {b})"),
            (Dialect::Snowflake, TextOp::StartsWith) => format!("STARTSWITH({a}, {b})"),
            (Dialect::Duckdb, TextOp::EndsWith) => format!("ends_with({a}, {b})"),
            (Dialect::Postgres, TextOp::EndsWith) => format!("right({a}, length({b})) = {b}"),
            (Dialect::Spark, TextOp::EndsWith) => format!("endswith({a}, {b})"),
            (Dialect::Bigquery, TextOp::EndsWith) => format!("ENDS_WITH({a}, {b})"),
            (Dialect::Snowflake, TextOp::EndsWith) => format!("ENDSWITH({a}, {b})"),
        }
    }

    /// The text of a JSON value, to compare lists and records for
    /// equality.
    pub(crate) fn json_as_text(self, j: &str) -> String {
        match self {
            Dialect::Duckdb => format!("CAST({j} AS VARCHAR)"),
            Dialect::Postgres => format!("CAST({j} AS TEXT)"),
            Dialect::Spark => j.to_string(),
            Dialect::Bigquery => format!("TO_JSON_STRING({j})"),
            Dialect::Snowflake => format!("TO_JSON({j})"),
        }
    }

    /// Text compared by code point (the language's order), whatever the
    /// database's collation.
    pub(crate) fn binary_text(self, t: &str) -> String {
        match self {
            Dialect::Postgres => format!("({t} COLLATE \"C\")"),
            _ => t.to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum TextOp {
    Contains,
    StartsWith,
    EndsWith,
}

fn pg_path(path: &[String]) -> String {
    let inner: Vec<String> = path
        .iter()
        .map(|p| {
            if p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                p.clone()
            } else {
                format!("\"{}\"", p.replace('\\', "\\\\").replace('"', "\\\""))
            }
        })
        .collect();
    format!("'{{{}}}'", inner.join(",").replace('\'', "''"))
}

/// Words that must be quoted as identifiers in at least one dialect.
const RESERVED: &[&str] = &[
    "all",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "at",
    "between",
    "both",
    "by",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "cross",
    "current",
    "date",
    "default",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "in",
    "inner",
    "interval",
    "into",
    "is",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "natural",
    "not",
    "null",
    "of",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "over",
    "partition",
    "primary",
    "qualify",
    "range",
    "references",
    "right",
    "rows",
    "select",
    "some",
    "table",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "when",
    "where",
    "window",
    "with",
];

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Dialect {
    type Err = String;

    fn from_str(s: &str) -> Result<Dialect, String> {
        let wanted = s.trim().to_ascii_lowercase();
        let wanted = match wanted.as_str() {
            "postgresql" | "pg" => "postgres",
            "sparksql" | "databricks" => "spark",
            other => other,
        };
        Dialect::ALL
            .into_iter()
            .find(|d| d.name() == wanted)
            .ok_or_else(|| {
                format!(
                    "unknown SQL dialect `{s}` (expected one of: {})",
                    Dialect::ALL.map(Dialect::name).join(", ")
                )
            })
    }
}
