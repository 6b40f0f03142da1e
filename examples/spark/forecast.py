#!/usr/bin/env python3
"""`campaignc forecast` on Spark: a population too large for one machine,
partitioned by customer, each partition piped through
`campaignc forecast --partial` (RDD.pipe), the partials merged by
`campaignc forecast --merge` into the report a single run would print.

    spark-submit examples/spark/forecast.py \\
        --project campaigns --campaigns all \\
        --customers customers.jsonl --events events.jsonl \\
        --from 2026-10-01 --to 2026-11-29 --partitions 64

or, with pyspark installed, `python3 examples/spark/forecast.py …`
(--master local[2] by default). docs/forecast.md, "Past one machine",
describes the recipe; tests/forecast.rs runs it on a local Spark.

The files are the population files (JSON Lines; docs/population.md) on
any path Spark reads (a local path, hdfs://, s3a://). The `campaignc`
binary and the project directory must be readable at the same paths on
every executor (ship them with --files / an image, or use a shared disk).
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--campaignc", default="campaignc", help="the campaignc binary (on every executor)")
    p.add_argument("--project", required=True, help="the project directory (on every executor)")
    p.add_argument("--campaigns", nargs="+", default=["all"], help="the campaigns to replay (default: all)")
    p.add_argument("--customers", required=True, help="the customers file (JSON Lines)")
    p.add_argument("--events", required=True, help="the events file (JSON Lines)")
    p.add_argument("--from", dest="start", required=True, help="the first day replayed (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", required=True, help="the last day replayed, included")
    p.add_argument("--partitions", type=int, default=8, help="how many partitions (campaignc processes)")
    p.add_argument("--master", default=None, help="the Spark master (default: local[2] unless spark-submit sets one)")
    p.add_argument("--format", default="text", choices=["text", "json", "csv"], help="the report's format")
    p.add_argument("--out", default=None, help="also write the chart and forecast.json into this directory")
    p.add_argument("--partials", default=None, help="keep the collected partials in this file")
    return p.parse_args(argv)


def customer_of(line):
    """The customer id of a line of either file."""
    return json.loads(line)["customer"]


def grouped_line(customer, lines):
    """One `--partial` input line: the customer's line with their events
    (the events file's own lines, in file order) added as `events`.

    The lines are spliced as text, not re-encoded, so every value reaches
    campaignc exactly as the files wrote it (0.00 stays 0.00)."""
    customers = [text for kind, _, text in lines if kind == 0]
    if len(customers) != 1:
        what = "has no line in the customers file" if not customers else "appears twice in the customers file"
        raise ValueError(f"customer {customer!r} {what}")
    events = sorted((index, text) for kind, index, text in lines if kind == 1)
    head = customers[0].rstrip()
    if not head.endswith("}"):
        raise ValueError(f"the line of customer {customer!r} is not a JSON object")
    return head[:-1] + ',"events":[' + ",".join(text for _, text in events) + "]}"


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("campaignc-forecast")
    if args.master or not os.environ.get("SPARK_ENV_LOADED"):
        builder = builder.master(args.master or "local[2]")
    spark = builder.getOrCreate()
    try:
        sc = spark.sparkContext
        nonblank = lambda line: line.strip() != ""
        # (customer, (0 = customer line, 0, text)) and (customer, (1 =
        # event, index in the file, text)): the index keeps the file's
        # order of a customer's events, which a shuffle does not.
        customers = sc.textFile(args.customers).filter(nonblank).map(
            lambda line: (customer_of(line), (0, 0, line))
        )
        events = (
            sc.textFile(args.events)
            .filter(nonblank)
            .zipWithIndex()
            .map(lambda pair: (customer_of(pair[0]), (1, pair[1], pair[0])))
        )
        command = [args.campaignc, "forecast", *args.campaigns, args.project, "--partial",
                   "--from", args.start, "--to", args.end]
        partials = (
            customers.union(events)
            .groupByKey(numPartitions=args.partitions)
            .map(lambda kv: grouped_line(kv[0], kv[1]))
            .pipe(shlex.join(command), checkCode=True)
            .collect()
        )
    finally:
        spark.stop()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.partials or os.path.join(tmp, "partials.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(line + "\n" for line in partials)
        merge = [args.campaignc, "forecast", "--merge", path, "--format", args.format]
        if args.out:
            merge += ["--out", args.out]
        return subprocess.run(merge).returncode


if __name__ == "__main__":
    sys.exit(main())
