"""The bench's indicators and unit tree, made with the store's own functions (`create_indicator`,
`create_org_unit`) as an admin would.

Every aggregation rule is there in about the shares a public body has: sums ~30 % (visits, accidents,
overtime), ratios of totals ~30 % (NPS from promoters − detractors and responses, sick-leave days per FTE,
a share done on time), weighted means ~15 % (satisfaction 1–5 weighted by respondents), last values ~15 %
(headcount, open positions) and not combinable ~10 % (an audit grade 1–5, given yearly per division).
Values are monthly (~70 %) or quarterly (~30 %), at the leaf units; a few indicators are kept at division
level instead (never both levels in one subtree), the audit grades always.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from kpi import store

from .shape import Shape

ACTOR = "bench"  # a trusted in-process caller (kpi.store.guard)
ROOT = "CITY"


@dataclass(frozen=True)
class Template:
    key: str            # the value model in generate.py
    rule: str           # kpi.domain.vocabulary.Aggregation value
    name_fi: str
    name_en: str
    direction: str
    comparator: str     # the comparator its targets use
    unit_label: str = ""
    scale: float = 1.0
    decimals: int = 0
    min_value: float | None = 0
    max_value: float | None = None
    theme: str = "service"
    timing: str = "lagging"


TEMPLATES = {
    "sum": [
        Template("visits", "sum", "Asiakaskäynnit", "Customer visits", "higher", "ge", theme="service",
                 timing="leading"),
        Template("accidents", "sum", "Työtapaturmat", "Work accidents", "lower", "le", theme="safety"),
        Template("overtime", "sum", "Ylityötunnit", "Overtime hours", "lower", "le", theme="workforce"),
    ],
    "ratio": [
        Template("nps", "ratio", "Asiakkaiden nettosuositteluindeksi", "Customer NPS", "higher", "ge", scale=100,
                 min_value=-100, max_value=100, theme="customer"),
        Template("sick_leave", "ratio", "Sairauspoissaolopäivät / htv", "Sick-leave days per FTE", "lower", "le",
                 unit_label="pv/htv", decimals=1, theme="wellbeing"),
        Template("on_time", "ratio", "Ajallaan käsitellyt", "Handled on time", "higher", "ge", unit_label="%",
                 scale=100, decimals=1, max_value=100, theme="service", timing="leading"),
    ],
    "weighted_mean": [
        Template("satisfaction", "weighted_mean", "Asiakastyytyväisyys (1–5)", "Customer satisfaction (1–5)",
                 "higher", "ge", decimals=2, min_value=1, max_value=5, theme="customer"),
        Template("climate", "weighted_mean", "Työilmapiiri (1–5)", "Work climate (1–5)", "higher", "ge",
                 decimals=2, min_value=1, max_value=5, theme="culture", timing="leading"),
    ],
    "last": [
        Template("headcount", "last", "Henkilöstömäärä kauden lopussa", "Headcount at period end", "range",
                 "between", theme="workforce"),
        Template("open_posts", "last", "Täyttämättömät vakanssit", "Unfilled posts", "lower", "le",
                 theme="workforce"),
    ],
    "none": [
        Template("audit", "none", "Auditointiarvosana (1–5)", "Audit grade (1–5)", "higher", "ge", min_value=1,
                 max_value=5, theme="competence"),
    ],
}

# 20 slots: sum 6, ratio 6, weighted mean 3, last 3, not combinable 2; the first ten hold every rule.
RULE_CYCLE = ["sum", "ratio", "weighted_mean", "last", "none", "sum", "ratio", "sum", "ratio", "weighted_mean",
              "last", "sum", "ratio", "none", "sum", "ratio", "weighted_mean", "last", "sum", "ratio"]
QUARTERLY_SLOTS = {2, 5, 8}  # of every ten indicators: 30 % quarterly


@dataclass(frozen=True)
class Spec:
    """One indicator of the bench: its template, how often and where it is measured, where it has targets."""
    index: int
    code: str
    template: Template
    frequency: str                 # month | quarter | year
    level: str                     # leaf | division
    divisions: tuple[int, ...]     # the divisions (indices) whose units carry its values
    division_targets: bool         # targets also per division (else only the whole organisation's)

    @property
    def rule(self) -> str:
        return self.template.rule


def division_code(d: int) -> str:
    return f"DIV-{d + 1:02d}"


def leaf_code(d: int, p: int) -> str:
    return f"U-{d + 1:02d}-{p + 1:03d}"


def plan_indicators(shape: Shape) -> list[Spec]:
    specs, seen = [], {rule: 0 for rule in TEMPLATES}
    for i in range(shape.indicators):
        rule = RULE_CYCLE[i % len(RULE_CYCLE)]
        template = TEMPLATES[rule][seen[rule] % len(TEMPLATES[rule])]
        nth = seen[rule]
        seen[rule] += 1
        start = (i * 7) % shape.divisions
        count = shape.divisions_per_indicator
        if rule == "none":
            frequency, level = "year", "division"
            if nth % 2 == 0:
                count = 1  # one division grades it: the whole organisation's target then has its value
        else:
            frequency = "quarter" if i % 10 in QUARTERLY_SLOTS else "month"
            level = "division" if i % 12 == 11 else "leaf"
        divisions = tuple(sorted((start + k) % shape.divisions for k in range(count)))
        specs.append(Spec(i, f"{template.key}_{i + 1:03d}", template, frequency, level, divisions,
                          division_targets=i % 3 == 1))
    return specs


def create_catalogue(session: Session, specs: list[Spec], divisions: int, leaves_per_division: int) -> int:
    """The unit tree (city → divisions → units) and the indicators. Returns the number of units."""
    store.create_org_unit(session, code=ROOT, name_fi="Kaupunki", name_en="City", actor=ACTOR)
    units = 1
    for d in range(divisions):
        store.create_org_unit(session, code=division_code(d), name_fi=f"Toimiala {d + 1}",
                              name_en=f"Division {d + 1}", parent_code=ROOT, sort_order=d, actor=ACTOR)
        units += 1
        for p in range(leaves_per_division):
            store.create_org_unit(session, code=leaf_code(d, p), name_fi=f"Yksikkö {d + 1}.{p + 1}",
                                  name_en=f"Unit {d + 1}.{p + 1}", parent_code=division_code(d), sort_order=p,
                                  actor=ACTOR)
            units += 1
    for spec in specs:
        t = spec.template
        number = spec.index + 1
        store.create_indicator(
            session, code=spec.code, name_fi=f"{t.name_fi} #{number}", name_en=f"{t.name_en} #{number}",
            direction=t.direction, aggregation=t.rule, unit_label=t.unit_label, scale=t.scale,
            min_value=t.min_value, max_value=t.max_value, decimals=t.decimals, timing=t.timing, theme=t.theme,
            source="bench (synthetic)", actor=ACTOR)
    return units
