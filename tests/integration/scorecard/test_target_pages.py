"""A measure's target: set, changed and removed by approvers and admins on its page (audited),
refused to everyone else, checked as it is typed, and frozen into editions."""

from decimal import Decimal

import pytest

from audit.selectors import events_for
from portal.errors import FieldError, NotAllowed
from scorecard.models import Measure, Target
from scorecard.periods import parse_period
from scorecard.services.publishing import edition_publish
from scorecard.services.targets import target_remove, target_set
from scorecard.targets import TargetKind
from tests.conftest import client_for
from tests.integration.scorecard.helpers import cell, get, measure_rows

pytestmark = pytest.mark.django_db

URL = "/scorecard/measures/4/target/"


@pytest.fixture
def measure_4(imported):
    """Rate of drug offences: 4.9 per 1,000 for 2022/23 in the reference (one decimal place)."""
    return Measure.objects.get(number=4)


@pytest.mark.parametrize("persona", ["approver", "admin_user"])
def test_approvers_and_admins_set_a_target_on_its_page_and_it_is_audited(
    persona, request, measure_4
):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"kind": "at_most", "value": "4.5", "by_period": ""})
    assert response.status_code == 302 and response["Location"] == "/scorecard/measures/4/"
    target = Target.objects.get(measure=measure_4)
    assert (target.kind, target.value, target.by_period, target.set_by) == (
        "at_most",
        Decimal("4.5"),
        None,
        user,
    )
    (event,) = events_for(measure_4)
    assert (event.action, event.actor, event.changes) == (
        "change",
        user,
        {"target": [None, "At most 4.5"]},
    )
    page = client.get("/scorecard/measures/4/").content.decode()
    assert "Off target" in page
    assert "At most 4.5. 4.9 for 2022/23 misses the target (at most 4.5)." in page


@pytest.mark.parametrize("persona", ["lead", "icu_lead", "board"])
def test_nobody_else_sets_a_target(persona, request, measure_4):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"kind": "decrease"}).status_code == 403
    with pytest.raises(NotAllowed):
        target_set(measure_4, by=user, kind=TargetKind.DECREASE)
    assert not Target.objects.exists()
    assert "Set a target" not in client.get("/scorecard/measures/4/").content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose what the measure should aim for"),
        ({"kind": "at_least", "value": ""}, "value", "Enter the value the measure should reach"),
        ({"kind": "at_least", "value": "lots"}, "value", "&#x27;lots&#x27; is not a number"),
        ({"kind": "decrease", "value": "3"}, "value", "has no value or period"),
        ({"kind": "at_most", "value": "4", "by_period": "Mar 26"}, "by_period", "each financial"),
        ({"kind": "at_most", "value": "4", "by_period": "soon"}, "by_period", "is not a period"),
    ],
)
def test_a_target_is_checked_as_it_is_typed(measure_4, approver, data, field, message):
    response = client_for(approver).post(URL, {"value": "", "by_period": "", **data})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Target for measure 4" in content
    assert f'href="#id_{field}' in content  # radios link to their first option
    assert message in content
    assert not Target.objects.exists()


def test_changing_and_removing_a_target_is_recorded_from_and_to(measure_4, approver, admin_user):
    target_set(
        measure_4,
        by=approver,
        kind=TargetKind.AT_MOST,
        value=Decimal("4"),
        by_period=parse_period("2025/26"),
    )
    client_for(admin_user).post(URL, {"kind": "decrease", "value": "", "by_period": ""})
    client_for(admin_user).post(URL, {"action": "remove"})
    assert not Target.objects.exists()
    assert [e.changes for e in events_for(measure_4)] == [
        {"target": [None, "At most 4.0 by 2025/26"]},
        {"target": ["At most 4.0 by 2025/26", "Reduce it"]},
        {"target": ["Reduce it", None]},
    ]
    assert target_remove(measure_4, by=approver) is False  # nothing left to remove


def test_an_edition_keeps_the_target_and_status_it_was_published_with(measure_4, approver, board):
    target_set(measure_4, by=approver, kind=TargetKind.AT_LEAST, value=Decimal("4"))
    edition_publish("Jun-2024", by=approver)
    target_set(measure_4, by=approver, kind=TargetKind.AT_MOST, value=Decimal("4"))

    frozen = measure_rows(get(board, "/scorecard/editions/Jun-2024/").content)[4]
    live = measure_rows(get(board, "/scorecard/").content)[4]
    assert cell(frozen, "Against target").text == "On targetAt least 4.0."
    assert cell(live, "Against target").text == "Off targetAt most 4.0."
    row = measure_4.edition_rows.get(edition__name="Jun-2024")
    assert (row.target, row.target_rag) == ("At least 4.0", "green")
    assert row.target_reason == "4.9 for 2022/23 meets the target (at least 4.0)."


def test_the_service_refuses_a_period_of_another_type_with_the_field(measure_4, approver):
    with pytest.raises(FieldError, match="reports each financial year") as refused:
        target_set(
            measure_4,
            by=approver,
            kind=TargetKind.AT_LEAST,
            value=Decimal("1"),
            by_period=parse_period("2025 Q1"),
        )
    assert refused.value.field == "by_period"
