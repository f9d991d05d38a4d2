"""`python -m kpi export values|targets --format csv|xlsx --out FILE`: the same files the Data entry and
Targets pages offer, for automation (kpi.reports.export makes them; the values file imports back).

Written as `report` writes: the whole file built in memory, then put in place in one step, so a refusal
or a failure leaves no file and an existing one is only replaced by a complete one.
"""
from __future__ import annotations

from .. import db
from ..domain.periods import PeriodParseError, parse_period
from ..errors import InputError
from ..reports import export
from .out_file import check_place, write_whole


def run_export(engine, args, lang: str) -> int:
    """Build the file and write it whole; the rows written. A refusal is a Failure or an InputError (one
    line)."""
    try:
        period = parse_period(args.period) if args.period else None
    except PeriodParseError:
        raise InputError("period", args.period, "bad_period") from None
    check_place(args.out, lang)
    with db.session_scope(engine) as session:
        make = export.measurement_table if args.what == "values" else export.target_table
        table = make(session, indicator=args.indicator, period=period)
    content = export.to_csv(table) if args.format == "csv" else export.to_xlsx(table)
    write_whole(args.out, content, lang)
    return len(table.rows)
