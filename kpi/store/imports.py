"""The import log: every file import, applied or refused, with who, when, the file's checksum and counts."""
from __future__ import annotations

from sqlmodel import Session, select

from ..models import ImportLog


def log_import(session: Session, *, file_name: str, checksum: str, actor: str, status: str, replace: bool,
               counts: dict[str, int]) -> ImportLog:
    entry = ImportLog(file_name=file_name[:255], checksum=checksum, imported_by=actor, status=status,
                      replace=replace, rows_total=counts.get("total", 0), rows_new=counts.get("new", 0),
                      rows_changed=counts.get("changed", 0), rows_unchanged=counts.get("unchanged", 0),
                      rows_error=counts.get("error", 0))
    session.add(entry)
    session.flush()
    return entry


def record_import_counts(session: Session, entry: ImportLog, counts: dict[str, int]) -> None:
    """The counts of an import whose log row was written before its rows (a bulk import logs first, so
    that the history rows can name it)."""
    entry.rows_total, entry.rows_new, entry.rows_changed = counts.get("total", 0), counts.get("new", 0), \
        counts.get("changed", 0)
    entry.rows_unchanged, entry.rows_error = counts.get("unchanged", 0), counts.get("error", 0)
    session.add(entry)
    session.flush()


def list_imports(session: Session, limit: int = 200) -> list[ImportLog]:
    return list(session.exec(select(ImportLog).order_by(ImportLog.imported_at.desc(), ImportLog.id.desc()).limit(limit)))
