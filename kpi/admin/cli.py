"""`python -m kpi`: database upgrade, demo data, the scorecard, file import and export, documents and people
on the command line.

Who the command line acts as (for `import`, `demo load --replace`, `db restore`): the person named by
`--user LOGIN` (or KPI_USER), with their stored role and scope; without one, the operating-system user
as `cli:<name>` (as the import history always named it) with full rights, but only when KPI_AUTH_MODE is
unset or `local`. The `users` commands need only database access (whoever holds the database credentials administers it) and are
logged as by `cli:<os user>`.

Every failure is one line on stderr and exit status 2, so scripts and people both see what went wrong
(a refused import: one line per error in the file, then the verdict). A line is at most LINE_LIMIT
characters, with control characters shown as escapes: a file name or a value typed on the command line
cannot flood a terminal or a log, or move its cursor. Failures no command expected (a file system or
database error, a bug) end the same way, never as a stack trace; `python -X dev -m kpi ...` shows the trace.

The commands and their arguments are declared in kpi/admin/cli_parser.py; this module runs them.
"""
from __future__ import annotations

import csv
import getpass
import json
import logging
import os
from pathlib import Path
import sys
import unicodedata
from datetime import date

from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from . import backup
from .. import db
from ..access import Role, actor_for, add_person, disable_person, list_people, require, set_password, set_role
from .cli_parser import Failure, build_parser
from .demo import DatabaseNotEmpty, load_demo
from .export_command import run_export
from .out_file import check_place, write_whole
from ..domain.periods import PeriodParseError, parse_period
from ..domain.roles import Actor, trusted
from ..errors import InputError
from ..i18n import format_number, t
from ..plain_text import drawable
from ..importing import preview, run_import
from ..importing.view import formatted_counts, megabytes, summary
from ..presentation.present import target_text
from ..reports import ReportError, build_report  # python-docx, Altair, vl-convert: only when one is built
from ..features.scorecard import build_scorecard
from ..settings import get_settings
from ..store import databases, load_unit_tree, schema

EXIT_FAILURE = 2
EXIT_INTERRUPTED = 130  # as a shell reports Ctrl-C
LINE_LIMIT = 300  # characters in one line on stderr; a longer one keeps its start and its end
# Shown as escapes, not written to the terminal: controls, format characters (bidirectional overrides),
# surrogates (undecodable bytes of a file name), private use, unassigned, line and paragraph separators.
ESCAPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}

log = logging.getLogger("kpi.admin.cli")


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    lang = settings.default_language
    try:
        args = build_parser().parse_args(argv)
        lang = getattr(args, "report_lang", None) or args.lang or lang
        return _run(args, settings, lang)
    except Failure as failure:
        _fail(str(failure))
    except (InputError, ReportError) as error:
        _fail(error.message(lang))
    except (SQLAlchemyError, CommandError) as error:
        # No stack trace and no SQL: say what is wrong with the database (or its schema) in one line.
        _fail(t("cli.database_error", lang, detail=_first_line(getattr(error, "orig", None) or error)))
    except BrokenPipeError:  # the reader went away (`... | head`): nobody is left to tell
        _quiet_stdout()
    except OSError as error:  # a file or folder the command could not use
        detail = error.strerror or _first_line(error)
        if error.filename is None:
            _fail(t("cli.system_error", lang, detail=detail))
        else:
            _fail(t("cli.os_error", lang, path=str(error.filename), detail=detail))
    except KeyboardInterrupt:
        _fail(t("cli.interrupted", lang))
        return EXIT_INTERRUPTED
    except Exception as error:  # noqa: BLE001 - no command may end in a stack trace (see the module text)
        if sys.flags.dev_mode:
            raise
        log.debug("unexpected failure", exc_info=True)
        _fail(t("cli.unexpected", lang, kind=type(error).__name__, detail=_first_line(error)))
    return EXIT_FAILURE


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush does not report the broken pipe again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (a test's capture): nothing will be flushed to it
        pass


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _database(args, url: str, lang: str) -> int:
    try:
        if args.action == "backup":
            print(t("backup.done", lang, path=printable(str(backup.backup(url, args.path)))))
            return 0
        if args.action == "restore":
            backup.restore(url, args.path)  # checked, and brought to the newest schema, before it replaces anything
            schema.upgrade(url)  # nothing left to do unless the live database was older than the backup's check
            print(t("backup.restored", lang, path=printable(args.path)))
            return 0
    except backup.BackupError as error:
        params = {name: printable(str(value)) if name == "path" else value for name, value in error.params.items()}
        raise Failure(t(f"backup.{error.key}", lang, **params)) from None
    schema.upgrade(url)
    print(t("cli.upgraded", lang, revision=databases.schema_revision(url)))
    return 0


def _fail(message: str) -> None:
    """One line on stderr, however the message came to hold line breaks, controls or a huge value."""
    line = printable(message.replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))
    if len(line) > LINE_LIMIT:  # the start says what failed, the end usually why
        line = line[:LINE_LIMIT * 2 // 3] + " … " + line[-(LINE_LIMIT // 3 - 3):]
    print(line, file=sys.stderr)


def printable(text: str) -> str:
    """`text` with every character a terminal would act on (or cannot encode) shown as an escape."""
    if text.isprintable() and text.isascii():
        return text
    return "".join(char.encode("unicode_escape", "backslashreplace").decode("ascii")
                   if unicodedata.category(char) in ESCAPED_CATEGORIES else char for char in text)


def _run(args, settings, lang: str) -> int:
    url = settings.database_url
    if args.command == "db":
        if args.action == "restore":  # replaces everything: an admin's job
            engine = db.make_engine(url)
            try:
                with db.session_scope(engine) as session:
                    require(session, _acting(session, args, settings, lang), role=Role.ADMIN, action="db restore")
            finally:
                engine.dispose()
        return _database(args, url, lang)
    if databases.schema_revision(url) is None:
        raise Failure(t("cli.not_migrated", lang))
    engine = db.make_engine(url)
    try:
        if args.command == "demo":
            return _demo(engine, args, settings, lang)
        if args.command == "import":
            return _import(engine, args, settings, lang)
        if args.command == "users":
            return _users(engine, args, lang)
        if args.command == "report":
            return _report(engine, args, lang)
        if args.command == "export":
            rows = run_export(engine, args, lang)
            print(t("reports.cli.exported", lang, path=printable(args.out), rows=format_number(rows, 0, lang)))
            return 0
        return _scorecard(engine, args, lang)
    finally:
        engine.dispose()


def _acting(session, args, settings, lang: str) -> Actor:
    """The person the command acts as (see the module text); Failure when none may be assumed."""
    if args.user:
        actor = actor_for(session, args.user)  # a disabled person: AccessDenied, one line
        if actor is None:
            raise Failure(t("access.unknown_person_cli", lang, login=args.user))
        return actor
    mode = str(getattr(settings, "auth_mode", None) or os.environ.get("KPI_AUTH_MODE") or "local").strip().lower()
    if mode != "local":
        raise Failure(t("access.name_the_person", lang, mode=mode))
    return trusted(f"cli:{getpass.getuser()}")  # as before: import history names CLI imports cli:<user>


def _resolve(engine, args, settings, lang: str) -> Actor:
    with db.session_scope(engine) as session:
        return _acting(session, args, settings, lang)


def _demo(engine, args, settings, lang: str) -> int:
    try:
        with db.session_scope(engine) as session:
            if args.replace:
                counts = load_demo(session, replace=True, actor=_acting(session, args, settings, lang))
            else:
                counts = load_demo(session)
    except DatabaseNotEmpty:
        if args.if_empty:
            print(t("cli.demo_skipped", lang))
            return 0
        raise Failure(t("cli.demo_not_empty", lang)) from None
    print(t("cli.demo_loaded", lang, **counts))
    return 0


def _import(engine, args, settings, lang: str) -> int:
    """The preview on stdout; every error on a line of its own on stderr, then exit status 2."""
    path = args.path
    if not os.path.isfile(path):
        raise Failure(t("import.cli.no_file", lang, path=path))
    limit = settings.max_upload_mb * 1024 * 1024
    size = os.path.getsize(path)
    if size > limit:  # refused before reading it into memory
        raise Failure(t("import.cli.too_big", lang, path=path, size=megabytes(size, lang),
                        limit=settings.max_upload_mb))
    data = Path(path)  # read from disk a block at a time: a file of millions of rows is never all in memory
    name = os.path.basename(path)
    open_session = lambda: db.session_scope(engine)  # noqa: E731 - one session per step, as the app does
    if args.dry_run:  # writes nothing: a named person sees their scope's problems already
        outcome = preview(open_session, data, name, replace=args.replace, max_bytes=limit,
                          actor=_resolve(engine, args, settings, lang) if args.user else None, sheet=args.sheet)
    else:
        outcome = run_import(open_session, data, name, actor=_resolve(engine, args, settings, lang),
                             replace=args.replace, max_bytes=limit, sheet=args.sheet)
    print(summary(outcome.counts, lang))
    if outcome.problems:
        sys.stdout.flush()
        for problem in outcome.problems:
            _fail(problem.line(lang))
        key = "import.cli.dry_run_errors" if args.dry_run else "import.cli.refused"
        _fail(t(key, lang, count=format_number(len(outcome.problems), 0, lang)))
        return EXIT_FAILURE
    if args.dry_run:
        print(t("import.cli.dry_run_ok", lang))
    else:
        print(t("import.cli.applied", lang, id=outcome.import_id, **formatted_counts(outcome.counts, lang)))
    return 0


def _users(engine, args, lang: str) -> int:
    by = f"cli:{getpass.getuser()}"  # database access is the right to administer people
    with db.session_scope(engine) as session:
        if args.action == "list":
            print(_people_table(session, lang))
            return 0
        if args.action == "add":
            person = add_person(session, login=args.login, role=args.role, name=args.name, scope_unit=args.scope,
                                password=_read_password() if args.password_stdin else None, by=by)
            print(t("access.person_added", lang, login=person.login, role=t(f"access.role_{person.role}", lang)))
        elif args.action == "set-role":
            person = set_role(session, login=args.login, role=args.role, scope_unit=args.scope, by=by)
            print(t("access.role_changed", lang, login=person.login, role=t(f"access.role_{person.role}", lang)))
        elif args.action == "disable":
            person = disable_person(session, login=args.login, by=by)
            print(t("access.person_disabled", lang, login=person.login))
        else:  # set-password
            person = set_password(session, login=args.login, password=_read_password(), by=by)
            print(t("access.password_set", lang, login=person.login))
    return 0


def _read_password() -> str:
    """The first line of standard input (a terminal is asked, without echo)."""
    if sys.stdin.isatty():
        return getpass.getpass()
    return sys.stdin.readline().rstrip("\r\n")


def _people_table(session, lang: str) -> str:
    people = list_people(session)
    if not people:
        return t("access.no_people", lang)
    codes = {unit.id: code for code, unit in load_unit_tree(session).units.items()}
    header = [t("access.col_login", lang), t("access.col_name", lang), t("access.col_role", lang),
              t("access.col_scope", lang), t("access.col_state", lang), t("access.col_password", lang)]
    body = [[p.login, p.name, t(f"access.role_{p.role}", lang),
             codes.get(p.scope_unit_id, "") if p.scope_unit_id else t("access.all_units", lang),
             t("access.state_disabled" if p.disabled else "access.state_active", lang),
             "✓" if p.password_hash else ""] for p in people]
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    return "\n".join("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
                     for line in [header, *body])


def _period_and_date(args):
    try:
        period = parse_period(args.period)
    except PeriodParseError:
        raise InputError("period", args.period, "bad_period") from None
    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else None
    except ValueError:
        raise InputError("as_of", args.as_of, "bad_date") from None
    return period, as_of


def _report(engine, args, lang: str) -> int:
    """Build the whole document in memory, then write it in one step: a refusal or a failure part-way
    leaves no file, and an existing file at --out is only replaced by a complete one."""
    period, as_of = _period_and_date(args)
    check_place(args.out, lang)
    with db.session_scope(engine) as session:
        report = build_report(session, args.kind, period, unit_code=args.unit, as_of=as_of, lang=lang)
    write_whole(args.out, report.content, lang)
    print(t("reports.cli.written", lang, path=printable(args.out),
            size=format_number(max(1, round(len(report.content) / 1024)), 0, lang)))
    if report.covers:
        print(t("reports.covers", lang, count=len(report.covers), names=drawable("; ".join(report.covers))))
    else:
        print(t("reports.covers_none_binding" if args.kind == "binding-statement" else "reports.covers_none", lang))
    return 0


def _scorecard(engine, args, lang: str) -> int:
    period, as_of = _period_and_date(args)
    with db.session_scope(engine) as session:
        rows = build_scorecard(session, period, unit_code=args.unit, as_of=as_of, lang=lang)
    dicts = [row.as_dict() for row in rows]
    if args.format == "json":
        print(json.dumps(dicts, ensure_ascii=False, indent=2))
    elif args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(dicts[0]) if dicts else ["indicator"])
        writer.writeheader()
        writer.writerows(dicts)
    else:
        print(_table(rows, lang, period.code))
    return 0


def _table(rows, lang: str, period: str) -> str:
    if not rows:
        return t("scorecard.no_targets", lang, period=period)
    header = [t("scorecard.col_status", lang), t("scorecard.col_indicator", lang), t("scorecard.col_unit", lang),
              t("scorecard.col_actual", lang), t("scorecard.col_target", lang), t("scorecard.col_gap", lang),
              t("scorecard.col_binding", lang)]
    body = []
    for row in rows:
        body.append([
            # Names drawable: a stored escape sequence must not rewrite the reader's terminal.
            t(f"status.{row.status}", lang), drawable(row.indicator_name),
            drawable(row.org_unit_name) or t("units.whole", lang),
            format_number(row.actual, row.decimals, lang) + ("*" if row.running else ""),
            target_text(row.comparator, row.target, row.target_upper, row.decimals, lang),
            format_number(row.gap, row.decimals, lang, signed=True),
            t("scorecard.yes", lang) if row.binding else "",
        ])
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)).rstrip() for line in [header, *body]]
    if any(row.running for row in rows):
        lines.append(t("scorecard.running_note", lang))
    return "\n".join(lines)

