"""A text shaped to make a backtracking pattern work for minutes ("![a](" repeated) is drawn at once: the
explanation of NPS 2020 / TTH saved through the store, and longer texts written straight into the tables
(as before the length limits), shown as the characters typed, with no image."""
import time

import sqlalchemy as sa

from kpi import store
from kpi.models import Explanation, ReviewSession
from kpi.presentation.safe_text import safe_markdown
from tests.app.helpers import other_session

SAVED = "![a](" * 2400                 # 12 000 characters: under an explanation's limit; the old regex took minutes
STORED = "![a](" * 10_000              # 50 000 characters: only a write past the app puts it there
RENDER_LIMIT = 2.0                     # seconds for a whole page run; the text's part is milliseconds


def open_page(app, page: str, **params):
    app.run()                           # the first run loads the demo
    app.switch_page(page)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()                           # the page once as it was: imports and caches warm
    assert not app.exception


def open_drilldown(app):
    open_page(app, "pages/drilldown.py", indicator="nps", period="2020", unit="TTH")


def nps_2020_explanation() -> Explanation:
    with other_session() as session:
        target = store.find_target(session, "nps", "TTH", "2020")
        return store.get_explanation(session, target.id, "2020")


def markdown(app) -> list[str]:
    return [m.value for m in app.markdown]


def timed_run(app) -> float:
    started = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - started
    assert not app.exception
    return elapsed


def test_the_pathological_explanation_saved_on_nps_2020_draws_the_drilldown_at_once(app):
    open_drilldown(app)
    current = nps_2020_explanation()
    with other_session() as session:
        store.save_explanation(session, target_id=current.target_id, period="2020", body=SAVED, actor="hr",
                               expected_version=current.version)
    elapsed = timed_run(app)
    assert elapsed < RENDER_LIMIT, f"the drill-down took {elapsed:.1f} s"
    assert safe_markdown(SAVED) in markdown(app)   # the text as typed, every "![" shown as characters
    assert not any("![" in text for text in markdown(app))


def _write_past_the_app(model, row_id: int, **values) -> None:
    """An UPDATE straight into the table, as a text saved before the limits would be."""
    with other_session() as session:
        session.exec(sa.update(model).where(model.id == row_id).values(**values))


def test_a_longer_text_already_in_the_tables_still_draws_at_once(app):
    open_drilldown(app)
    _write_past_the_app(Explanation, nps_2020_explanation().id, body=STORED, updated_at=sa.func.now())
    elapsed = timed_run(app)
    assert elapsed < RENDER_LIMIT, f"the drill-down took {elapsed:.1f} s"
    assert safe_markdown(STORED) in markdown(app)


def test_review_notes_already_in_the_table_draw_at_once(app):
    open_page(app, "pages/reviews.py")
    with other_session() as session:
        review_id = store.list_reviews(session)[0].id   # the one the page opens first
    _write_past_the_app(ReviewSession, review_id, notes=STORED, updated_at=sa.func.now())
    elapsed = timed_run(app)
    assert elapsed < RENDER_LIMIT, f"the reviews page took {elapsed:.1f} s"
    assert safe_markdown(STORED) in markdown(app)
