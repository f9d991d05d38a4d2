"""python -m bench --measurements N [--database URL] --out FILE.json [--repeat K] [--year Y] [--keep]

Generates N measurements (with their indicators, units and targets) into a database of its own, imports
them through the app's import path, times the scorecard, its SQL floor, the naive pandas way, the pages,
checks that the app and the naive way give every target the same status, writes FILE.json and prints a
table. Exit status 1 when a status differs, 2 when the database given holds data.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import database, harness, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--measurements", type=int, required=True, metavar="N")
    parser.add_argument("--database", metavar="URL",
                        help="default: a fresh SQLite file in a temporary folder; PostgreSQL: a new database is "
                             "created on that server and dropped afterwards")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE.json")
    parser.add_argument("--repeat", type=int, default=5, metavar="K", help="timed runs per figure (default 5)")
    parser.add_argument("--year", type=int, help="the year judged (default: the last complete year of the data)")
    parser.add_argument("--keep", action="store_true", help="keep the database (and the temporary folder)")
    parser.add_argument("--seed", type=int, default=8, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measurements < 1 or args.repeat < 1:
        parser.error("--measurements and --repeat must be at least 1")
    try:
        result, status = harness.run(args.measurements, args.out, database_url=args.database, repeat=args.repeat,
                                     year=args.year, keep=args.keep, seed=args.seed)
    except database.NotEmpty as refusal:
        print(refusal, file=sys.stderr)
        return 2
    sys.stderr.flush()
    print(report.table(result))
    if result["status_mismatches"]["count"]:
        print("the app and the naive way differ:", file=sys.stderr)
        for row in result["status_mismatches"]["first"]:
            print(f"  target {row['target_id']}: app {row['app']}, naive {row['naive']}", file=sys.stderr)
    print(f"\nwritten: {args.out}")
    return status


if __name__ == "__main__":
    sys.exit(main())
