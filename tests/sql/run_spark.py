"""Runs `campaignc sql --dialect spark` queries on a local Spark, for tests/sql.rs.

One process (one SparkSession, local[2]) serves a whole test binary, since
Spark takes many seconds to start. It reads jobs from stdin, one JSON
object a line:

    {"dir": DIR, "setup": [statement, ...],
     "queries": [{"key", "sql", "columns": [name, ...]}, ...]}

DIR holds the population files the setup statements read. Before each job every table and view of the previous
one is dropped. For each job it prints one line of JSON:
{key: [[column, ...], ...]} with every value as text, or {key: {"error":
message}}; or {"setup_error": message} when the population cannot be
loaded. It prints {"ready": true} once the session is up.
"""
import json
import os
import shutil
import sys
import tempfile

from pyspark.sql import SparkSession

# The JVM's log (it inherits stderr) and the tables' files go to a
# directory of this process, removed when stdin closes.
work = tempfile.mkdtemp(prefix="campaignc-spark-")
log = open(os.path.join(work, "spark.log"), "w")
os.dup2(log.fileno(), 2)

spark = (
    SparkSession.builder.master("local[2]")
    .appName("campaignc-sql-differential")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.default.parallelism", "2")
    .config("spark.ui.enabled", "false")
    # Adaptive execution re-plans every query after each stage: on test
    # data that is most of a query's time (0.45 s against 0.32 s a query).
    .config("spark.sql.adaptive.enabled", "false")
    .config("spark.ui.showConsoleProgress", "false")
    .config("spark.sql.codegen.wholeStage", "false")
    .config("spark.driver.memory", "4g")
    # A sort or a hash aggregate takes its memory a page at a time, and
    # the default page is 64 MB whatever the data. The generated queries
    # run a dozen sorts and aggregates in one stage (every join is on the
    # customer id, so no shuffle separates them): at 64 MB a page, two
    # tasks at once used up the execution memory of a 4 GB driver on some
    # runs (UNABLE_TO_ACQUIRE_MEMORY), though each sort holds a few
    # megabytes of the test's population. With 2 MB pages the same query
    # runs with a 1 GB driver; the time is the same.
    .config("spark.buffer.pageSize", "2m")
    .config("spark.sql.warehouse.dir", os.path.join(work, "warehouse"))
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
print(json.dumps({"ready": True}), flush=True)


def clear():
    spark.catalog.clearCache()
    for db in spark.catalog.listDatabases():
        for t in spark.catalog.listTables(db.name):
            if t.isTemporary:
                spark.catalog.dropTempView(t.name)
            else:
                spark.sql(f"DROP TABLE IF EXISTS `{db.name}`.`{t.name}`")
        if db.name != "default":
            spark.sql(f"DROP DATABASE IF EXISTS `{db.name}` CASCADE")


def text(v):
    if v is None:
        return ""
    return str(v)


def run_one(q):
    rows = spark.sql(q["sql"]).collect()
    return [[text(v) for v in r] for r in rows]


def run_batch(batch):
    """Many queries as one Spark job (a UNION ALL of them, each tagged
    with its index): Spark's cost per job and per plan, not the data,
    dominates on a test population."""
    parts = []
    for i, q in enumerate(batch):
        cols = [f"CAST(`{c}` AS STRING)" for c in q["columns"]]
        cols += ["CAST(NULL AS STRING)"] * (2 - len(cols))
        sql = q["sql"].strip().rstrip(";")
        parts.append(f"SELECT {i} AS q__, {', '.join(cols)} FROM (\n{sql}\n) AS q__{i}")
    rows = spark.sql("\nUNION ALL\n".join(parts)).collect()
    out = [[] for _ in batch]
    for r in rows:
        out[r[0]].append([text(v) for v in r[1 : 1 + len(batch[r[0]]["columns"])]])
    return out


BATCH = 10

for line in sys.stdin:
    job = json.loads(line)
    clear()
    out = {}
    try:
        for statement in job["setup"]:
            spark.sql(statement)
    except Exception as e:
        print(json.dumps({"setup_error": f"{e}\nin: {statement}"}), flush=True)
        continue
    queries = job["queries"]
    for start in range(0, len(queries), BATCH):
        batch = queries[start : start + BATCH]
        try:
            for q, rows in zip(batch, run_batch(batch)):
                out[q["key"]] = rows
            continue
        except Exception:
            pass
        # One of them fails: each on its own, to say which.
        for q in batch:
            try:
                out[q["key"]] = run_one(q)
            except Exception as e:  # the test prints the query with the error
                out[q["key"]] = {"error": str(e)}
    print(json.dumps(out), flush=True)

spark.stop()
shutil.rmtree(work, ignore_errors=True)
