"""Django's admin site for every persona: the admin role (not a superuser) manages the catalogue
and organisations and reads returns; people are managed on the service's own pages (/people/),
so the user admin is for superusers only; every other role is sent to the admin's sign-in. Staff
status follows the role, and nobody but a superuser can reach superuser status."""

import pytest

from accounts.models import Role, User
from scorecard.models import DataPoint, Edition, Measure, ScorecardRow
from submissions.models import Channel
from submissions.services import submission_create
from submissions.validation import RawRow
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

#: Each model an admin manages, by its changelist, with a text only its rows show (not its
#: filters).
CHANGELISTS = {
    "/admin/scorecard/measure/": "Number of current active Drugs Networks",
    "/admin/scorecard/priorityarea/": "Deliver a world-class treatment and recovery system",
    "/admin/scorecard/commitment/": "Rolling up county lines",
    "/admin/scorecard/area/": "Southampton",
    "/admin/scorecard/reportingperiod/": "Oct 23",
    "/admin/scorecard/edition/": "May-2024",
    "/admin/scorecard/datapoint/": "Number of current active Drugs Networks",
    "/admin/scorecard/scorecardrow/": "Number of current active Drugs Networks",
    "/admin/accounts/organisation/": "Hampshire and Isle of Wight Constabulary",
    "/admin/submissions/submission/": "lead.police",
    "/admin/audit/event/": "Submission",
}


@pytest.fixture
def police_draft(imported, lead):
    """A return as production makes one, so that the submissions admin has a row to list."""
    submission, _ = submission_create(
        by=lead,
        rows=[RawRow(1, {"measure": "1", "period": "Nov 23", "value": "61"})],
        channel=Channel.FORM,
    )
    return submission


@pytest.mark.parametrize("persona", ["admin_user", "superuser"])
def test_the_admin_and_a_superuser_open_every_changelist_and_see_its_rows(
    request, police_draft, persona
):
    client = client_for(request.getfixturevalue(persona))

    index = client.get("/admin/")
    assert index.status_code == 200
    for url, shown in CHANGELISTS.items():
        assert f'href="{url}"' in index.content.decode(), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url
    users = client.get("/admin/accounts/user/")
    assert (users.status_code == 200) is (persona == "superuser")


def test_the_user_admin_is_for_superusers_only(admin_user, superuser, lead):
    client = client_for(admin_user)
    assert 'href="/admin/accounts/user/"' not in client.get("/admin/").content.decode()
    for url in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{lead.pk}/change/",
        f"/admin/accounts/user/{superuser.pk}/password/",
    ):
        assert client.get(url).status_code == 403, url
    assert client_for(superuser).get(f"/admin/accounts/user/{lead.pk}/change/").status_code == 200


def test_the_admin_opens_each_kind_of_record(police_draft, admin_user, lead):
    client = client_for(admin_user)
    for url in (
        f"/admin/scorecard/measure/{Measure.objects.get(number=4).pk}/change/",
        f"/admin/scorecard/edition/{Edition.objects.get().pk}/change/",
        f"/admin/scorecard/datapoint/{DataPoint.objects.first().pk}/change/",
        f"/admin/scorecard/scorecardrow/{ScorecardRow.objects.first().pk}/change/",
        f"/admin/submissions/submission/{police_draft.pk}/change/",
        "/admin/scorecard/measure/add/",
        "/admin/scorecard/measure/import/",
        "/admin/scorecard/measure/export/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["lead", "other_lead", "approver", "board"])
def test_other_roles_are_sent_to_the_admin_sign_in_from_every_page(request, police_draft, persona):
    client = client_for(request.getfixturevalue(persona))

    for url in ["/admin/", *CHANGELISTS]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_staff_status_without_the_admin_role_opens_nothing(police_draft, lead):
    # Deliberately a shape the portal never writes (User.save takes staff status away from a
    # data lead): a stale flag from before roles decided it must still open nothing.
    User.objects.filter(pk=lead.pk).update(is_staff=True)
    client = client_for(lead)

    index = client.get("/admin/")
    assert index.status_code == 200
    for url in CHANGELISTS:
        assert f'href="{url}"' not in index.content.decode(), url
        assert client.get(url).status_code == 403, url
    assert client.get("/admin/scorecard/measure/export/").status_code == 403


# Staff status follows the role ---------------------------------------------------------------


def test_giving_a_user_the_admin_role_gives_staff_status_and_the_admin_site(board):
    board.role = Role.ADMIN
    board.save()

    board.refresh_from_db()
    assert (board.is_staff, board.is_superuser) == (True, False)
    assert client_for(board).get("/admin/scorecard/measure/").status_code == 200


@pytest.mark.parametrize("update_fields", [None, ["role"]], ids=["save", "save role only"])
def test_a_user_whose_role_changes_away_from_admin_loses_staff_status_and_the_admin_site(
    admin_user, update_fields
):
    admin_user.role = Role.BOARD_MEMBER
    admin_user.save(update_fields=update_fields)

    admin_user.refresh_from_db()
    assert admin_user.is_staff is False
    response = client_for(admin_user).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_superuser_keeps_staff_status_whatever_the_role(superuser):
    superuser.role = Role.APPROVER
    superuser.save()

    superuser.refresh_from_db()
    assert superuser.is_staff is True
    assert client_for(superuser).get("/admin/accounts/user/").status_code == 200


# No way to superuser status ------------------------------------------------------------------


def test_a_superuser_can_still_grant_superuser_status(superuser, lead):
    page = client_for(superuser).get(f"/admin/accounts/user/{lead.pk}/change/")

    assert "is_superuser" in page.context["adminform"].form.fields
