"""`python -m kpi export values|targets --format csv|xlsx --out FILE`: the same files the Data entry and
Targets pages offer, for automation (kpi.reports.export makes them; the values file imports back).

Written as `report` writes: the whole file built in memory, then put in place in one step, so a refusal
or a failure leaves no file and an existing one is only replaced by a complete one.
"""
from __future__ import annotations

import errno
import os
from typing import Callable

from .. import db
from ..domain.periods import PeriodParseError, parse_period
from ..errors import InputError
from ..i18n import t
from ..reports import export
from .cli_parser import Failure


def run_export(engine, args, lang: str, *, write: Callable[[str, bytes, str], None]) -> int:
    """Build the file and `write(path, content, lang)` it; the rows written. A refusal is a Failure or an
    InputError (one line)."""
    try:
        period = parse_period(args.period) if args.period else None
    except PeriodParseError:
        raise InputError("period", args.period, "bad_period") from None
    folder = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(folder):
        raise Failure(t("reports.cli.no_dir", lang, path=folder))
    if os.path.isdir(args.out):
        raise Failure(t("reports.cli.cannot_write", lang, path=args.out, detail=os.strerror(errno.EISDIR)))
    with db.session_scope(engine) as session:
        make = export.measurement_table if args.what == "values" else export.target_table
        table = make(session, indicator=args.indicator, period=period)
    content = export.to_csv(table) if args.format == "csv" else export.to_xlsx(table)
    write(args.out, content, lang)
    return len(table.rows)
