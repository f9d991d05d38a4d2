"""Which shortfalls must be explained, and the order shortfalls come in: on the scorecard and at the meeting.

The council's rule: a binding target that is not met needs an explanation (approved by the steering group)
and a statement to the council. Everything that sorts or counts shortfalls puts those first, so it is
decided here once: the scorecard's order, its "binding not met" count, the meeting's agenda, the drill-down's
"an explanation is required", the review pack and the binding statement all ask `needs_explanation`.
"""
from __future__ import annotations

from .vocabulary import Status

# After the binding misses, the worst verdict first; met targets last.
_WORST_FIRST = {Status.NOT_MET: 0, Status.AT_RISK: 1, Status.NO_DATA: 2, Status.MET: 3}


def needs_explanation(binding: bool, status: Status | str | None) -> bool:
    """A binding target not met must be explained to the council (at risk, no data or met: not required).

    `status` None means no target judged the period: nothing to explain.
    """
    return bool(binding) and status is not None and Status(status) is Status.NOT_MET


def scorecard_rank(binding: bool, status: Status | str) -> tuple[bool, int]:
    """The scorecard's order: binding misses first, then not met, at risk, no data, met (smaller first)."""
    return not needs_explanation(binding, status), _WORST_FIRST[Status(status)]


def agenda_rank(binding: bool, status: Status | str) -> int | None:
    """Meeting mode's order: binding misses (0), the other misses (1), those at risk (2).

    None: not on the agenda (met, or no data to discuss).
    """
    if needs_explanation(binding, status):
        return 0
    if Status(status) is Status.NOT_MET:
        return 1
    if Status(status) is Status.AT_RISK:
        return 2
    return None
