"""What the demo board reads beside the figures: a few targets and the owners' commentary, so
that `make run` shows RAG against target and commentary on the scorecard and in the board pack.

Made through the services, as people would (targets set by the approver; commentary written by
the owning organisation's data lead and approved by the approver; one left waiting for
approval), and only where none exists yet, so running it again changes nothing. The commentary
says it is demonstration text.
"""

from decimal import Decimal

from accounts.models import Role, User
from commentary.models import Commentary
from commentary.services import commentary_approve, commentary_save
from scorecard.models import Measure, Target
from scorecard.periods import parse_period
from scorecard.services.targets import target_set
from scorecard.targets import TargetKind

#: Measure number: (kind, value, due by), on the reference's measures.
DEMO_TARGETS = {
    3: (TargetKind.DECREASE, None, None),
    4: (TargetKind.AT_MOST, "4.0", None),
    16: (TargetKind.AT_LEAST, "6.0", None),
    28: (TargetKind.AT_LEAST, "15.0", "2027 Q4"),
    31: (TargetKind.AT_LEAST, "50.0", None),
}
#: Measure number: (commentary, actions, approved).
DEMO_COMMENTARY = {
    3: (
        "Demonstration text. Drug-related violence rose again this year, driven by disputes "
        "between two county lines operating in the city centre.",
        "Operation focused on the two lines, with partners' safeguarding of the young people "
        "they exploit; a review at the next board.",
        True,
    ),
    4: (
        "Demonstration text. The rate stays well above England's: proactive policing of "
        "possession in the night-time economy records more offences, so part of the gap is "
        "activity rather than harm.",
        "Diversion scheme for first possession offences from April; the ICU will report the "
        "rate with and without proactive stops.",
        True,
    ),
    28: (
        "Demonstration text. Employment among people in treatment is a third of England's "
        "level; the Individual Placement Service started only this year.",
        "Two more employment specialists funded; job outcomes reported quarterly to the board.",
        True,
    ),
    1: (
        "Demonstration text. Networks disrupted this month were replaced within weeks.",
        "",
        False,
    ),
}


def demo_board() -> tuple[int, int]:
    """Set the demo's targets and commentary where absent; returns how many of each it made."""
    approver = User.objects.filter(username="approver").first()
    if approver is None:
        return 0, 0
    measures = {
        m.number: m
        for m in Measure.objects.filter(
            number__in={*DEMO_TARGETS, *DEMO_COMMENTARY}
        ).select_related("organisation")
    }
    targets = 0
    with_target = set(Target.objects.values_list("measure__number", flat=True))
    for number, (kind, value, by) in DEMO_TARGETS.items():
        measure = measures.get(number)
        if measure is None or number in with_target:
            continue
        target_set(
            measure,
            by=approver,
            kind=kind,
            value=Decimal(value) if value else None,
            by_period=parse_period(by, measure.periods_of) if by else None,
        )
        targets += 1
    written = 0
    with_commentary = set(Commentary.objects.values_list("measure__number", flat=True))
    for number, (text, actions, approve) in DEMO_COMMENTARY.items():
        measure = measures.get(number)
        if measure is None or number in with_commentary or measure.organisation is None:
            continue
        lead = User.objects.filter(organisation=measure.organisation, role=Role.DATA_LEAD).first()
        if lead is None:
            continue
        commentary = commentary_save(
            measure, by=lead, commentary=text, actions=actions, submit=True
        )
        if approve:
            commentary_approve(commentary.pk, by=approver)
        written += 1
    return targets, written
