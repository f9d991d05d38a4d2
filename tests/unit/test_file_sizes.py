"""No source file of the app grows past what a reader takes in at one sitting (the README's Layout: small files).

A file over the limit is a sign that two subjects share it; split it where a reader would, not by line count.
"""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400
SOURCES = sorted([ROOT / "app.py", *(path for folder in ("kpi", "pages", "deploy", "bench")
                                     for path in (ROOT / folder).rglob("*.py"))])


def test_the_app_has_source_files_to_measure():
    assert len(SOURCES) > 50 and ROOT / "kpi" / "models.py" in SOURCES


def test_no_source_file_is_over_400_lines():
    sizes = {str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines()) for path in SOURCES}
    too_long = {name: lines for name, lines in sizes.items() if lines > LIMIT}
    assert not too_long, f"over {LIMIT} lines (split where a reader would): {too_long}"
