"""The approver's pages: the queue, bulk approval and one return's review, for every persona."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from scorecard.models import DataPoint
from scorecard.periods import Period
from submissions.models import Status, Submission
from tests.conftest import client_for
from tests.factories import Value, data_lead_of, prepared_by, submission
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db

QUEUE = "/submissions/review/"
BULK = "/submissions/review/approve/"


def review_url(pk: int) -> str:
    return f"/submissions/{pk}/review/"


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# Who may see them ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 302),
        ("lead", 403),
        ("other_lead", 403),
        ("board", 403),
        ("approver", 200),
        ("admin_user", 200),
    ],
    indirect=["persona"],
)
def test_only_approvers_and_admins_see_the_queue(police_return, persona, expected):
    response = client_for(persona).get(QUEUE)

    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 302),
        ("lead", 403),
        ("other_lead", 403),
        ("board", 403),
        ("approver", 200),
        ("admin_user", 200),
    ],
    indirect=["persona"],
)
def test_only_approvers_and_admins_see_a_review(police_return, persona, expected):
    assert client_for(persona).get(review_url(police_return.pk)).status_code == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 302), ("lead", 403), ("other_lead", 403), ("board", 403)],
    indirect=["persona"],
)
def test_nobody_but_approvers_can_post_a_decision_or_a_bulk_approval(
    police_return, persona, expected
):
    client = client_for(persona)

    assert client.post(review_url(police_return.pk), {"action": "approve"}).status_code == expected
    assert (
        client.post(
            review_url(police_return.pk), {"action": "send_back", "comment": "x"}
        ).status_code
        == expected
    )
    assert client.post(BULK, {"submission": [police_return.pk]}).status_code == expected
    police_return.refresh_from_db()
    assert police_return.status == Status.SUBMITTED


def test_unknown_submission_is_404_for_an_approver(imported, approver):
    assert client_for(approver).get(review_url(999_999)).status_code == 404


# The queue -----------------------------------------------------------------------------------


def test_queue_lists_submitted_returns_oldest_first_with_counts(imported, lead, icu_lead, approver):
    now = timezone.now()
    newer = submission(by=lead, submitted_at=now, values=[Value(1, "Nov 23", "65")])
    older = submission(
        by=icu_lead,
        submitted_at=now - timedelta(days=2),
        values=[  # each more than half above 2022/23 (4.9 and 3.0): a warning each
            Value(4, "2023/24", "9.9", note="New recording rules"),
            Value(4, "2023/24", "6.5", area="England", note="New recording rules"),
        ],
    )
    submission(by=lead, status=Status.DRAFT, values=[Value(7, "Nov 23", "30")])

    response = client_for(approver).get(QUEUE)

    entries = response.context["entries"]
    assert [e.submission for e in entries] == [older, newer]
    assert [(e.value_count, e.warning_count, e.clean) for e in entries] == [
        (2, 2, False),
        (1, 0, True),
    ]
    html = response.content.decode()
    assert "Hampshire and Isle of Wight Constabulary" in html
    assert "2 warnings" in html
    assert f'value="{newer.pk}"' in html  # clean: can be selected
    assert f'value="{older.pk}"' not in html  # warnings: review it on its own
    assert "Approve selected" in html


def months_before_october_23(count: int) -> list[str]:
    """`count` month labels going back from Sept 23 (ended, and with no approved figure)."""
    periods = [Period.month(2023, 9)]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return [p.label for p in periods]


def test_the_queue_costs_the_same_queries_for_3_or_30_returns_and_lists_them_all(
    imported, lead, icu_lead, approver
):
    client = client_for(approver)

    def add_returns(months: list[str]) -> None:
        for month in months:
            submission(by=lead, values=[Value(1, month, "65"), Value(7, month, "30")])
        submission(by=icu_lead, values=[Value(8, "2022/23", "120", note="Recount of the year")])

    def visit() -> int:
        queries, response = get_counting_queries(client, QUEUE)
        expected = list(Submission.objects.filter(status=Status.SUBMITTED).order_by("pk"))
        assert sorted((e.submission for e in response.context["entries"]), key=lambda s: s.pk) == (
            expected
        )
        html = response.content.decode()
        assert all(f'href="{review_url(s.pk)}"' in html for s in expected)
        return queries

    months = months_before_october_23(28)
    add_returns(months[:2])
    few = visit()
    add_returns(months[2:])
    many = visit()

    assert Submission.objects.count() == 30
    assert many == few


def test_empty_queue_says_so(imported, approver):
    assert (
        "There are no submissions waiting for approval."
        in client_for(approver).get(QUEUE).content.decode()
    )


def test_bulk_approval_from_the_queue_approves_the_selected_and_reports_skips(
    imported, lead, approver
):
    clean = submission(by=lead, values=[Value(1, "Nov 23", "65")])
    warned = submission(by=lead, values=[Value(7, "Nov 23", "3", note="Three networks")])

    response = client_for(approver).post(BULK, {"submission": [clean.pk, warned.pk]}, follow=True)

    shown = messages_of(response)
    assert f"Approved 1 submission ({clean.pk})." in shown[0]
    assert (
        shown[1]
        == f"Not approved: Submission {warned.pk} has warnings, so it needs reviewing on its own."
    )
    assert dict(Submission.objects.values_list("pk", "status")) == {
        clean.pk: "approved",
        warned.pk: "submitted",
    }


def test_bulk_approval_with_nothing_selected_says_what_to_do(imported, approver):
    response = client_for(approver).post(BULK, {}, follow=True)

    assert messages_of(response) == ["Select at least one submission to approve."]


# One review ----------------------------------------------------------------------------------


def test_review_shows_previous_value_change_warnings_and_notes(imported, lead, approver):
    pending = submission(
        by=lead,
        values=[
            Value(1, "Nov 23", "95", note="Two new networks mapped"),  # more than half up on 60
            Value(1, "Oct 23", "62", note="Late records"),
        ],
    )

    response = client_for(approver).get(review_url(pending.pk))

    new_month, correction = [figure["line"].line for figure in response.context["figures"]]
    assert (new_month.previous.period.label, new_month.is_correction, new_month.change) == (
        "Oct 23",
        False,
        35,
    )
    assert round(new_month.change_percent, 1) == Decimal("58.3")
    assert (correction.replaces.version, correction.is_correction, correction.change) == (
        1,
        True,
        2,
    )
    html = response.content.decode()
    for text in (
        "60.0",
        "95.0",
        "+35.0",
        "+58.3%",
        "Large change: 95.0 is 58% higher than the figure for Oct 23 (60.0).",
        "Two new networks mapped",
        "Correction",
        "Late records",
    ):
        assert text in html
    assert 'value="approve"' in html and 'value="send_back"' in html


def test_a_review_costs_the_same_queries_for_10_or_100_values_and_shows_them_all(
    imported, lead, approver
):
    client = client_for(approver)

    def review(count: int) -> int:
        # Measure 2 back from Oct 23: Sept 23 corrects an approved figure, the rest are new.
        periods = [Period.month(2023, 10)]
        while len(periods) < count:
            periods.append(periods[-1].previous())
        values = [
            Value(2, p.label, "80", note="Recount" if p.label == "Sept 23" else "") for p in periods
        ]  # a correction needs its reason
        returned = submission(by=lead, values=values)
        queries, response = get_counting_queries(client, review_url(returned.pk))
        lines = [figure["line"].line for figure in response.context["figures"]]
        assert [line.value.period.label for line in lines] == [p.label for p in periods]
        assert [line.is_correction for line in lines].count(True) == 1
        html = response.content.decode()
        assert f"Figures ({count})" in html
        assert sum(f">Southampton, {p.label}</p>" in html for p in periods) == count
        return queries

    assert review(100) == review(10)


def test_review_tells_an_approver_who_prepared_the_return_that_they_cannot_decide_it(
    imported, organisation, lead, approver
):
    with data_lead_of(approver, organisation):
        edited = submission(by=lead, editors=[approver], values=[Value(1, "Nov 23", "65")])

    html = client_for(approver).get(review_url(edited.pk)).content.decode()

    assert "you cannot approve it or send it back" in html
    assert 'value="approve"' not in html


@pytest.mark.parametrize("prepared_as", ["creator", "editor"])
def test_posting_approve_for_a_return_you_prepared_is_forbidden(
    imported, organisation, lead, approver, prepared_as
):
    edited = prepared_by(approver, prepared_as, organisation=organisation, lead=lead)

    assert (
        client_for(approver).post(review_url(edited.pk), {"action": "approve"}).status_code == 403
    )
    edited.refresh_from_db()
    assert edited.status == Status.SUBMITTED


def test_approving_from_the_review_page_confirms_and_returns_to_the_queue(
    police_return, approver, commit
):
    with commit():
        response = client_for(approver).post(
            review_url(police_return.pk), {"action": "approve"}, follow=True
        )

    assert response.redirect_chain == [(QUEUE, 302)]
    assert messages_of(response) == [
        f"Submission {police_return.pk} from Police approved. The live scorecard is being updated."
    ]
    assert DataPoint.objects.get(period__label="Nov 23").approved_by == approver


def test_a_decision_someone_else_already_made_is_explained(
    frozen_today, police_return, approver, second_approver
):
    client_for(second_approver).post(review_url(police_return.pk), {"action": "approve"})

    response = client_for(approver).post(
        review_url(police_return.pk), {"action": "send_back", "comment": "Check"}, follow=True
    )

    assert response.redirect_chain == [(review_url(police_return.pk), 302)]
    [message] = messages_of(response)
    assert message == (
        f"Submission {police_return.pk} has already been approved by approver2 "
        "(29 November 2026 at 10am)."
    )
    html = response.content.decode()
    assert "This submission has been approved" in html
    assert 'value="approve"' not in html


def test_sending_back_without_a_comment_shows_an_error_summary(police_return, approver):
    response = client_for(approver).post(
        review_url(police_return.pk), {"action": "send_back", "comment": "  "}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert (
        '<a href="#id_comment">Enter a comment saying what the data lead needs to change.</a>'
        in html
    )
    assert "<title>Error: Review submission" in html
    police_return.refresh_from_db()
    assert police_return.status == Status.SUBMITTED


def test_sending_back_with_a_comment_confirms_and_shows_it_in_the_history(police_return, approver):
    client = client_for(approver)
    response = client.post(
        review_url(police_return.pk),
        {"action": "send_back", "comment": "November looks high"},
        follow=True,
    )

    assert messages_of(response) == [
        f"Submission {police_return.pk} sent back to Hampshire and Isle of Wight Constabulary "
        "with your comment."
    ]
    police_return.refresh_from_db()
    assert (police_return.status, police_return.review_comment) == (
        Status.SENT_BACK,
        "November looks high",
    )
    assert "November looks high" in client.get(review_url(police_return.pk)).content.decode()


def test_an_unknown_action_is_a_bad_request(police_return, approver):
    assert (
        client_for(approver).post(review_url(police_return.pk), {"action": "publish"}).status_code
        == 400
    )
