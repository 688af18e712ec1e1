"""Editions: the list, one edition's frozen rows, publishing (approvers and admins only), and
what changed since the previous edition."""

import pytest

from scorecard.models import Edition
from scorecard.services.publishing import edition_publish
from submissions.approval import submission_approve
from tests.conftest import client_for
from tests.factories import Value, submission
from tests.integration.scorecard.helpers import (
    anonymous,
    body_rows,
    figure_and_period,
    get,
    measure_rows,
)

pytestmark = pytest.mark.django_db


def _changed_numbers(content: bytes) -> list[int]:
    return [int(row.cells[0].text) for row in body_rows(content) if row.cells[0].text.isdigit()]


def test_editions_are_listed_newest_first_with_who_published_them(imported, board, approver):
    edition_publish("Jul-2024", by=approver)
    edition_publish("Jun-2024", by=approver)
    rows = [row.texts for row in body_rows(get(board, "/scorecard/editions/").content)]
    assert [r[0] for r in rows] == ["Jul-2024", "Jun-2024", "May-2024"]
    assert rows[0][1] == "July 2024"
    assert rows[0][3] == approver.display_name
    assert rows[2][3] == "Imported from the published document"


@pytest.mark.parametrize("persona", ["approver", "admin_user"])
def test_approvers_and_admins_see_the_publish_form(persona, request, imported):
    user = request.getfixturevalue(persona)
    content = get(user, "/scorecard/publish/").content.decode()
    assert '<label class="govuk-label govuk-label--s" for="id_name">Edition name</label>' in content
    assert ">Continue</button>" in content
    assert "The latest edition is May-2024." in content
    assert "Publish an edition" in get(user, "/scorecard/editions/").content.decode()


@pytest.mark.parametrize("persona", ["board", "lead", "other_lead"])
def test_board_members_and_data_leads_may_not_publish(persona, request, imported):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/scorecard/publish/").status_code == 403
    assert client.post("/scorecard/publish/", {"name": "Jun-2024"}).status_code == 403
    assert not Edition.objects.filter(name="Jun-2024").exists()
    assert b"Publish an edition" not in client.get("/scorecard/editions/").content


def test_anonymous_cannot_publish(imported):
    response = anonymous().post("/scorecard/publish/", {"name": "Jun-2024"})
    assert response.status_code == 302
    assert not Edition.objects.filter(name="Jun-2024").exists()


def test_publishing_shows_what_the_edition_will_contain_before_freezing_it(
    imported, approver, new_figures
):
    client = client_for(approver)

    preview = client.post("/scorecard/publish/", {"name": "jun-2024"})

    assert preview.status_code == 200 and not Edition.objects.filter(name="Jun-2024").exists()
    content = preview.content.decode()
    assert "Check the Jun-2024 edition before publishing" in content
    assert "2 rows since May-2024" in content
    numbers = _changed_numbers(content.encode())  # the changed rows, then the whole edition
    assert numbers[:2] == sorted(new_figures) and numbers[2:] == list(range(1, 40))
    assert 'name="confirm" value="Jun-2024"' in content
    assert "The Jun-2024 edition as it will be published" in content


def test_publishing_freezes_the_live_scorecard_and_confirms_it(imported, approver, new_figures):
    response = client_for(approver).post(
        "/scorecard/publish/", {"name": "jun-2024", "confirm": "Jun-2024"}, follow=True
    )
    assert response.redirect_chain == [("/scorecard/editions/Jun-2024/", 302)]
    content = response.content.decode()
    assert "govuk-notification-banner--success" in content
    assert "Edition Jun-2024 is published." in content
    edition = Edition.objects.get(name="Jun-2024")
    assert edition.published_by == approver
    assert edition.rows.count() == 39
    rows = measure_rows(response.content)
    assert figure_and_period(rows[1]) == ("64.0", "Nov 23")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the edition name, like Jun-2024"),
        ("June", "Enter the edition name as a month and a year, like Jun-2024"),
        ("Foo-2024", "Enter the edition name as a month and a year, like Jun-2024"),
        ("May-2024", "Edition May-2024 has already been published."),
        ("may 2024", "Edition May-2024 has already been published."),
    ],
)
def test_an_invalid_or_existing_name_is_refused_with_an_error_summary(
    name, message, imported, approver
):
    response = client_for(approver).post("/scorecard/publish/", {"name": name})
    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Publish an edition" in content
    assert "govuk-error-summary" in content
    assert f'<a href="#id_name">{message}' in content
    assert Edition.objects.count() == 1


def test_what_changed_lists_exactly_the_changed_rows(imported, board, approver, new_figures):
    live = get(board, "/scorecard/changes/").content
    assert _changed_numbers(live) == sorted(new_figures)
    assert b"2 rows changed." in live

    edition_publish("Jun-2024", by=approver)
    changes = get(board, "/scorecard/editions/Jun-2024/changes/").content
    assert _changed_numbers(changes) == sorted(new_figures)
    row = next(r for r in body_rows(changes) if r.cells[0].text == "1")
    assert row.texts[2] == "Period, value"
    assert row.texts[3] == "Was Oct 23 →, now Nov 23"
    assert "<strong>64.0</strong>" in row.cells[4].html

    # The live scorecard now matches the newest edition.
    assert _changed_numbers(get(board, "/scorecard/changes/").content) == []
    assert b"0 rows changed." in get(board, "/scorecard/changes/").content
    first = get(board, "/scorecard/editions/May-2024/changes/").content
    assert b"May-2024 is the first edition" in first


def test_an_edition_stays_as_published_when_new_figures_arrive(
    imported, board, lead, approver, django_capture_on_commit_callbacks
):
    edition_publish("Jun-2024", by=approver)
    october = submission(by=lead, values=[Value(2, "Oct 23", "91")])
    with django_capture_on_commit_callbacks(execute=True):  # the recompute, run eagerly
        submission_approve(october.pk, by=approver)

    frozen = measure_rows(get(board, "/scorecard/editions/Jun-2024/").content)
    live = measure_rows(get(board, "/scorecard/").content)
    assert figure_and_period(frozen[2]) == ("84.0", "Sept 23")
    assert figure_and_period(live[2]) == ("91.0", "Oct 23")
    assert _changed_numbers(get(board, "/scorecard/changes/").content) == [2]


def test_any_two_scorecards_can_be_compared(imported, board, approver, new_figures):
    edition_publish("Jun-2024", by=approver)
    client = client_for(board)

    form = client.get("/scorecard/editions/compare/").content.decode()
    assert '<option value="live">Live scorecard</option>' in form
    editions = client.get(
        "/scorecard/editions/compare/", {"before": "May-2024", "after": "Jun-2024"}
    ).content
    assert _changed_numbers(editions) == sorted(new_figures)
    assert b"May-2024 compared with Jun-2024" in editions
    live = client.get("/scorecard/editions/compare/", {"before": "Jun-2024", "after": "live"})
    assert b"0 rows changed" in live.content
    same = client.get("/scorecard/editions/compare/", {"before": "May-2024", "after": "May-2024"})
    assert b"Choose two different scorecards to compare" in same.content
