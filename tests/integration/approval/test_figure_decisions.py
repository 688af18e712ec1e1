"""Sending back some figures while approving the rest, and reviewing what changed since a
return was sent back: the services (returns built through the real services) and the page."""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from audit.models import Action
from scorecard.models import DataPoint
from submissions import approval
from submissions.approval import FigureCommentRequired
from submissions.models import Channel, Status, Submission
from submissions.services import submission_create, submission_update
from submissions.validation import RawRow
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

FIVE = [
    ("1", "Nov 23", "65"),
    ("2", "Nov 23", "80"),
    ("7", "Nov 23", "31"),
    ("1", "Dec 23", "64"),
    ("7", "Dec 23", "30"),
]


def rows(figures):
    return [
        RawRow(i, {"measure": m, "period": p, "value": v, "note": n})
        for i, (m, p, v, *rest) in enumerate(figures, start=1)
        for n in [rest[0] if rest else ""]
    ]


@pytest.fixture
def five(imported, lead):
    submission, _ = submission_create(by=lead, rows=rows(FIVE), channel=Channel.FORM, submit=True)
    return submission


def value_of(submission, measure, period):
    return submission.values.get(measure__number=measure, period__label=period)


def test_sending_back_one_figure_approves_the_other_four_and_moves_it_to_a_new_return(
    five, lead, approver, commit
):
    seizures = value_of(five, 2, "Nov 23")

    with commit():
        decision = approval.submission_decide(
            five.pk, by=approver, send_back={seizures.pk: "Cannabis seizures look low"}
        )

    five.refresh_from_db()
    returned = decision.sent_back
    assert decision.approved == five and five.status == Status.APPROVED
    assert five.values.count() == 4
    assert DataPoint.objects.filter(submitted_value__submission=five).count() == 4
    assert not DataPoint.objects.filter(measure__number=2, period__label="Nov 23").exists()
    assert (returned.status, returned.split_from, returned.created_by) == (
        Status.SENT_BACK,
        five,
        lead,
    )
    assert (returned.decided_by, list(returned.editors.all())) == (approver, [lead])
    (moved,) = returned.values.all()
    assert (moved.pk, moved.review_comment) == (seizures.pk, "Cannabis seizures look low")
    assert returned.review_comment == (
        "1 figure to change:\n- Measure 2, Southampton, Nov 23 (80): Cannabis seizures look low"
    )

    approved = five.events.get(action=Action.APPROVE)
    assert approved.changes["values"] == 4 and approved.changes["returned_as"] == returned.pk
    assert [f["comment"] for f in approved.changes["sent_back"]] == ["Cannabis seizures look low"]
    sent = returned.events.get(action=Action.SEND_BACK)
    assert sent.actor == approver and sent.changes["split_from"] == five.pk
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == [
        f"Your figures were approved (submission {five.pk})",
        f"Your figures were sent back: changes needed (submission {returned.pk})",
    ]


def test_the_figures_sent_back_are_changed_and_approved_by_any_approver_but_their_preparer(
    five, lead, approver
):
    seizures = value_of(five, 2, "Nov 23")
    returned = approval.submission_decide(
        five.pk, by=approver, send_back={seizures.pk: "Check"}
    ).sent_back

    submission_update(
        returned,
        by=lead,
        rows=rows([("2", "Nov 23", "95", "Two large seizures")]),
        submit=True,
    )
    approval.submission_approve(returned.pk, by=approver)  # they split it, but did not prepare it

    returned.refresh_from_db()
    assert returned.status == Status.APPROVED
    assert DataPoint.objects.get(measure__number=2, period__label="Nov 23").value == 95


def test_a_figure_sent_back_without_a_comment_changes_nothing(five, approver):
    seizures = value_of(five, 2, "Nov 23")

    with pytest.raises(FigureCommentRequired, match="Say what needs to change in measure 2"):
        approval.submission_decide(five.pk, by=approver, send_back={seizures.pk: "  "})
    with pytest.raises(FigureCommentRequired, match="not in this return"):
        approval.submission_decide(five.pk, by=approver, send_back={999_999: "Check"})

    five.refresh_from_db()
    assert five.status == Status.SUBMITTED and Submission.objects.count() == 1


def test_sending_back_every_figure_sends_the_whole_return_back(five, approver):
    comments = {v.pk: f"Check {v.measure.number}" for v in five.values.all()}

    decision = approval.submission_decide(five.pk, by=approver, send_back=comments)

    five.refresh_from_db()
    assert (decision.approved, decision.sent_back) == (None, five)
    assert five.status == Status.SENT_BACK and Submission.objects.count() == 1
    assert {v.review_comment for v in five.values.all()} == {"Check 1", "Check 2", "Check 7"}


def test_a_whole_return_can_be_sent_back_with_comments_on_figures_only(five, approver):
    seizures = value_of(five, 2, "Nov 23")

    approval.submission_send_back(
        five.pk, by=approver, comment="", figure_comments={seizures.pk: "Look again"}
    )

    five.refresh_from_db()
    assert five.status == Status.SENT_BACK
    assert five.review_comment.startswith("1 figure to change:")
    assert [v.review_comment for v in five.values.order_by("row")] == ["", "Look again", "", "", ""]
    event = five.events.get(action=Action.SEND_BACK)
    assert len(event.changes["figures"]) == 5


def test_the_preparer_cannot_send_figures_back_or_approve_the_rest(five, lead, organisation):
    seizures = value_of(five, 2, "Nov 23")
    with pytest.raises(approval.NotAllowed):
        approval.submission_decide(five.pk, by=lead, send_back={seizures.pk: "Mine"})


def test_a_return_cannot_be_split_from_itself(five):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.filter(pk=five.pk).update(split_from=five.pk)


# The review page ------------------------------------------------------------------------------


def review(client, pk):
    return client.get(f"/submissions/{pk}/review/")


def test_an_approver_sends_back_one_figure_of_five_from_the_page(five, approver, commit):
    seizures = value_of(five, 2, "Nov 23")
    client = client_for(approver)
    page = review(client, five.pk).content.decode()
    assert f'name="back-{seizures.pk}"' in page and f'name="comment-{seizures.pk}"' in page

    with commit():
        response = client.post(
            f"/submissions/{five.pk}/review/",
            {
                "action": "approve",
                f"back-{seizures.pk}": "on",
                f"comment-{seizures.pk}": "Seizures look low",
            },
            follow=True,
        )

    returned = Submission.objects.get(split_from=five)
    assert [str(m) for m in response.context["messages"]] == [
        f"Submission {five.pk} from Police: 4 figures approved; 1 sent back to the data lead as "
        f"submission {returned.pk}. The live scorecard is being updated."
    ]


@pytest.mark.parametrize(
    ("ticked", "comment", "message"),
    [
        (True, "", "Say what needs to change in measure 2, Southampton, Nov 23, or untick it"),
        (False, "Low", "Tick ‘Send back’ for measure 2, Southampton, Nov 23 to send it back"),
    ],
)
def test_a_figure_ticked_without_a_comment_or_commented_without_a_tick_is_explained(
    five, approver, ticked, comment, message
):
    seizures = value_of(five, 2, "Nov 23")
    data = {"action": "approve", f"comment-{seizures.pk}": comment}
    if ticked:
        data[f"back-{seizures.pk}"] = "on"

    response = client_for(approver).post(f"/submissions/{five.pk}/review/", data)

    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'")
    assert f'<a href="#id_comment-{seizures.pk}">{message}' in page
    five.refresh_from_db()
    assert five.status == Status.SUBMITTED


def test_the_review_shows_what_changed_since_the_return_was_sent_back(five, lead, approver):
    approval.submission_send_back(five.pk, by=approver, comment="November looks odd")
    five.refresh_from_db()
    submission_update(
        five,
        by=lead,
        rows=rows(
            [
                ("1", "Nov 23", "66", "Recounted"),
                ("2", "Nov 23", "80"),
                ("7", "Nov 23", "31"),
                ("1", "Dec 23", "64"),
                ("2", "Dec 23", "75"),
            ]
        ),
        submit=True,
    )

    response = review(client_for(approver), five.pk)

    since = response.context["since"]
    assert since.count == 3  # one changed, one added, one removed
    figures = {
        (f["line"].value.measure.number, f["line"].value.period.label): f["line"]
        for f in response.context["figures"]
    }
    assert figures[(1, "Nov 23")].since.fields == [
        ("value", "65", "66"),
        ("note", "", "Recounted"),
    ]
    assert figures[(2, "Dec 23")].since.added
    assert figures[(2, "Nov 23")].since is None
    assert [(r["measure"], r["period"]) for r in since.removed] == [(7, "Dec 23")]
    page = response.content.decode()
    assert "3 figures changed since then" in page
    assert "Changed since sent back" in page and "New since sent back" in page
    assert "Value: 65 → 66" in page and "Removed: measure 7, Southampton, Dec 23 (30)" in page


def test_each_figure_shows_its_recent_series_and_englands_figure(imported, icu_lead, approver):
    submission, _ = submission_create(
        by=icu_lead,
        rows=[
            RawRow(1, {"measure": "4", "period": "2023/24", "value": "5.2"}),
            RawRow(2, {"measure": "4", "period": "2023/24", "area": "England", "value": "3.1"}),
            RawRow(3, {"measure": "12", "period": "2021/22", "value": "48"}),
        ],
        channel=Channel.FORM,
        submit=True,
    )

    response = review(client_for(approver), submission.pk)

    local, _england, completions = (f["line"] for f in response.context["figures"])
    assert local.series_text == "Approved 2022/23: 4.9 (1 value); 5.2 for 2023/24 now."
    assert local.england_text == "England 3.1 for 2023/24 (in this return)"
    assert completions.england_text == "England 53.0 for 2020/21 (approved)"
    assert local.sparkline.startswith("<svg") and 'role="img"' in local.sparkline
    page = response.content.decode()
    assert "England 3.1 for 2023/24 (in this return)" in page


def test_the_approver_reads_warnings_worded_for_a_reviewer(imported, lead, approver):
    submission, _ = submission_create(
        by=lead,
        rows=rows([("7", "Nov 23", "2", "Two: checked")]),
        channel=Channel.FORM,
        submit=True,
    )

    review_page = review(client_for(approver), submission.pk).content.decode()
    lead_page = client_for(lead).get(f"/submissions/{submission.pk}/").content.decode()

    assert "Small count: 2 might identify people once published." in review_page
    assert "A count of 2 is small enough that it might identify people" not in review_page
    assert "A count of 2 is small enough that it might identify people" in lead_page


def test_the_review_page_needs_the_same_queries_for_two_figures_or_five(
    imported, lead, approver, five
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    two, _ = submission_create(by=lead, rows=rows(FIVE[:2]), channel=Channel.FORM, submit=True)
    client = client_for(approver)
    review(client, two.pk)  # warm the content-type cache

    counts = []
    for submission in (two, five):
        with CaptureQueriesContext(connection) as context:
            assert review(client, submission.pk).status_code == 200
        counts.append(len(context.captured_queries))

    assert counts[0] == counts[1]


def test_the_data_lead_sees_each_figures_comment_beside_it_on_the_grid(five, lead, approver):
    seizures = value_of(five, 2, "Nov 23")
    returned = approval.submission_decide(
        five.pk, by=approver, send_back={seizures.pk: "Seizures look low"}
    ).sent_back

    response = client_for(lead).get(f"/submissions/{returned.pk}/edit/")

    (item,) = [i for i in response.context["items"] if i["form"].initial.get("value")]
    assert (item["row"].measure.number, item["row"].comment) == (2, "Seizures look low")
    assert "Sent back:</span> Seizures look low" in response.content.decode()
