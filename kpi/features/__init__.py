"""What the pages show and ask: the scorecard, the drill-down, the automatic analysis, follow-ups,
the target form and the data grid. Each gathers stored rows through `kpi.store`, hands them to the
rules in `kpi.domain`, and returns plain values for `kpi.ui` and the pages to draw."""
