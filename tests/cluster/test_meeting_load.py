"""A meeting's load: 30 browser sessions open the scorecard at once through nginx on two app servers.

The figures (median and 95th percentile of the time until rendered, sessions and memory per server)
are shown in the terminal summary and written to meeting_load.json in the test's tmp folder (and to
$KPI_MEETING_LOAD_JSON when set). `bench/meeting_load.py` measures the same outside pytest.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.meeting_load import measure, summary

pytestmark = pytest.mark.browser

SESSIONS = 30


@pytest.mark.timeout(600)  # 30 Chromium pages share two cores with the servers; slow on a busy machine
def test_thirty_sessions_at_once_all_render_and_both_servers_take_a_share(cluster, chromium_path, tmp_path,
                                                                          figures, record_property):
    report = measure(cluster, sessions=SESSIONS, rounds=1, chromium=chromium_path, timeout_s=240)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    (tmp_path / "meeting_load.json").write_text(text + "\n", encoding="utf-8")
    if os.environ.get("KPI_MEETING_LOAD_JSON"):
        Path(os.environ["KPI_MEETING_LOAD_JSON"]).write_text(text + "\n", encoding="utf-8")
    figures.append(summary(report))
    figures.append(f"  (JSON: {tmp_path / 'meeting_load.json'})")
    record_property("meeting_load", report)

    (figures_of_round,) = report["rounds"]
    assert figures_of_round["errors"] == []
    assert figures_of_round["rendered"] == SESSIONS
    per_server = [each["sessions"] for each in figures_of_round["servers"].values()]
    assert sum(per_server) == SESSIONS and all(count > 0 for count in per_server), per_server
    assert figures_of_round["sessions_not_on_their_page_server"] == []
    server_side = figures_of_round["server_side"]
    assert server_side["errors"] == [] and server_side["done"] == SESSIONS
