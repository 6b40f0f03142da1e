"""Runs `campaignc sql --dialect duckdb` queries on a population, for tests/sql.rs.

Usage: run_duckdb.py SETUP.json QUERIES.json
SETUP.json is a list of statements that load the population (from files in
the working directory) into the tables the project's warehouse mapping
names; QUERIES.json a list of {key, sql}. Prints {key: [[column, ...], ...]}
as JSON, every value as text, or {key: {"error": message}}.
"""
import json
import sys

import duckdb

setup, queries = sys.argv[1:3]
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
for statement in json.load(open(setup)):
    try:
        con.execute(statement)
    except Exception as e:
        sys.exit(f"{e}\nin: {statement}")
out = {}
for q in json.load(open(queries)):
    try:
        rows = con.execute(q["sql"]).fetchall()
    except Exception as e:  # the test prints the query with the error
        out[q["key"]] = {"error": str(e)}
        continue
    out[q["key"]] = [[str(v) for v in r] for r in rows]
print(json.dumps(out))
