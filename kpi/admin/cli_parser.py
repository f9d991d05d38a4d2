"""The command line's grammar: `python -m kpi`'s commands, their arguments and their help (kpi.admin.cli runs them).

An argument the grammar refuses is a `Failure` like any other, one line on stderr (argparse's own error
would print the usage over several lines).
"""
from __future__ import annotations

import argparse
import os

from ..access import Role
from ..i18n import LANGUAGES
from ..reports import KINDS as REPORT_KINDS


class Failure(Exception):
    """A message for the user; main() prints it on one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own error prints usage over several lines
        raise Failure(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m kpi", description="Steering-group KPI review")
    parser.add_argument("--lang", choices=LANGUAGES, help="language of messages and tables")
    parser.add_argument("--user", default=os.environ.get("KPI_USER") or None,
                        help="the person to act as (login; default KPI_USER); without it the OS user, "
                             "only when KPI_AUTH_MODE is local")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)

    database = commands.add_parser("db", help="database schema, backup and restore")
    actions = database.add_subparsers(dest="action", required=True, parser_class=Parser)
    actions.add_parser("upgrade", help="apply migrations to the configured database")
    actions.add_parser("backup", help="write the whole database to a file (SQLite online backup; PostgreSQL "
                       "pg_dump custom format)").add_argument("path")
    actions.add_parser("restore", help="replace the database's contents with a backup file, then upgrade "
                       "it").add_argument("path")

    demo = commands.add_parser("demo", help="demo data")
    load = demo.add_subparsers(dest="action", required=True, parser_class=Parser).add_parser(
        "load", help="load the demo data into an empty database")
    load.add_argument("--replace", action="store_true", help="delete all existing data first")
    load.add_argument("--if-empty", action="store_true", help="do nothing (and succeed) if data exists")

    card = commands.add_parser("scorecard", help="every target that applies to a period, evaluated")
    card.add_argument("--period", required=True, help="e.g. 2020, 2020-Q1, 3/2021, 2018-06-14")
    card.add_argument("--unit", help="org-unit code: only its targets and those below it")
    card.add_argument("--format", choices=("table", "json", "csv"), default="table")
    card.add_argument("--as-of", help="judge completeness as of this date (default: today)")

    imports = commands.add_parser("import", help="import indicator values from a CSV, XLSX or ODS file (all or nothing)")
    imports.add_argument("path", help="the file: indicator, org_unit, period, value (or mittari, yksikkö, ...)")
    imports.add_argument("--dry-run", action="store_true", help="check the file and show the preview; save nothing")
    imports.add_argument("--replace", action="store_true", help="replace values already stored (else they are errors)")
    imports.add_argument("--sheet", metavar="NAME|N", help="a workbook's sheet, by name or number from 1 (default: the "
                         "first whose first 20 rows include the header)")

    export = commands.add_parser("export", help="the stored values or targets as a file that imports back "
                                                "(CSV for a Finnish Excel, or XLSX)")
    export.add_argument("what", choices=("values", "targets"))
    export.add_argument("--format", required=True, choices=("csv", "xlsx"))
    export.add_argument("--out", required=True, help="the file to write (replaced if it exists)")
    export.add_argument("--indicator", help="indicator code or exact name: only its rows")
    export.add_argument("--period", help="e.g. 2020: only values inside it, targets overlapping it")

    users = commands.add_parser("users", help="the people who may sign in: roles and scopes")
    people = users.add_subparsers(dest="action", required=True, parser_class=Parser)
    add = people.add_parser("add", help="add a person")
    add.add_argument("login")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--name", default="")
    add.add_argument("--scope", help="unit code: an editor edits only this unit and those below it")
    add.add_argument("--password-stdin", action="store_true", help="read a password from standard input")
    role = people.add_parser("set-role", help="change a person's role (and scope)")
    role.add_argument("login")
    role.add_argument("role", choices=[r.value for r in Role])
    role.add_argument("--scope", help="unit code (none: every unit)")
    people.add_parser("disable", help="stop a person signing in").add_argument("login")
    password = people.add_parser("set-password", help="set a person's password (read from standard input)")
    password.add_argument("login")
    people.add_parser("list", help="every person, role, scope and state")

    report = commands.add_parser("report", help="a document: statement of unmet binding targets or review pack "
                                                "(DOCX), scorecard (XLSX)")
    report.add_argument("--period", required=True, help="e.g. 2020 (a binding-target statement covers a year), 2020-Q3")
    report.add_argument("--kind", required=True, choices=REPORT_KINDS)
    report.add_argument("--out", required=True, help="the file to write (replaced if it exists)")
    # Also accepted after the subcommand; its own dest, so it cannot reset a --lang given before it.
    report.add_argument("--lang", dest="report_lang", choices=LANGUAGES, help="language of the document")
    report.add_argument("--unit", help="org-unit code: only its targets and those below it")
    report.add_argument("--as-of", help="judge completeness and overdue actions as of this date (default: today)")
    return parser
