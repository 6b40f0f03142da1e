"""Runs `campaignc sql --dialect duckdb` queries on a population, for tests/sql.rs.

Usage: run_duckdb.py CUSTOMERS.jsonl EVENTS.jsonl COLUMNS.json QUERIES.json
Loads the population into the conventional tables (docs/warehouse.md),
runs each query and prints {key: [[column, ...], ...]} as JSON, every value
as text.
"""
import json
import sys

import duckdb

customers, events, columns, queries = sys.argv[1:5]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")


def spec(cols):
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in cols.items()) + "}"


cols = json.load(open(columns))
con.execute(
    f"CREATE TABLE customers AS SELECT * FROM read_json('{customers}', "
    f"format = 'newline_delimited', columns = {spec(cols)})"
)
event_cols = {
    "customer_id": "VARCHAR",
    "event": "VARCHAR",
    "at": "TIMESTAMPTZ",
    "properties": "JSON",
}
con.execute(
    f"CREATE TABLE events AS SELECT * FROM read_json('{events}', "
    f"format = 'newline_delimited', columns = {spec(event_cols)})"
)
out = {}
for q in json.load(open(queries)):
    try:
        rows = con.execute(q["sql"]).fetchall()
    except Exception as e:  # the test prints the query with the error
        out[q["key"]] = {"error": str(e)}
        continue
    out[q["key"]] = [[str(v) for v in r] for r in rows]
print(json.dumps(out))
