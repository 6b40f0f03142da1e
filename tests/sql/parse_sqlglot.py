"""Parses SQL files with sqlglot in one dialect, for tests/sql.rs.

Usage: parse_sqlglot.py DIALECT FILE...   (exit 1 and the errors if any fails)
"""
import sys

import sqlglot

dialect, files = sys.argv[1], sys.argv[2:]
failed = False
for path in files:
    text = open(path).read()
    try:
        statements = sqlglot.parse(text, read=dialect, error_level=sqlglot.ErrorLevel.RAISE)
        if len([s for s in statements if s is not None]) != 1:
            raise ValueError(f"expected one statement, got {len(statements)}")
    except Exception as e:
        failed = True
        print(f"{path}: {e}")
sys.exit(1 if failed else 0)
