"""People and organisations administered on the service's own pages: inviting someone (the
e-mail's one-time link sets their password), changing roles with errors written for people,
deactivating, who can do what, organisations; self-service password reset and change; and the
Django admin kept to superusers, without what admins should not touch."""

import html
import re

import pytest
from django.core import mail

from accounts.models import Organisation, Role, User
from audit.models import Action, Event
from audit.selectors import history_for
from portal.permissions import RULES, can, permission_table
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def super_admin(db):
    """A superuser who also holds the admin role (as `load_demo`'s `admin` is)."""
    return UserFactory(username="super.admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def role_admin(db):
    """An admin by role who is not a superuser."""
    return UserFactory(username="people.admin", role=Role.ADMIN, first_name="Ann", last_name="Min")


@pytest.fixture
def persona(request):
    return request.getfixturevalue(request.param) if request.param else None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 302),
        ("lead", 403),
        ("approver", 403),
        ("board", 403),
        ("role_admin", 200),
        ("admin_user", 200),
    ],
    indirect=["persona"],
)
@pytest.mark.parametrize(
    "url", ["/people/", "/people/invite/", "/people/roles/", "/people/organisations/"]
)
def test_only_admins_reach_the_people_pages(persona, expected, url):
    assert client_for(persona).get(url).status_code == expected


def invite(client, **values):
    data = {
        "email": "Sam.Lead@Example.org",
        "first_name": "Sam",
        "last_name": "Lead",
        "role": Role.DATA_LEAD,
        "organisation": "",
        **values,
    }
    return client.post("/people/invite/", data)


def test_an_invitation_email_link_sets_a_password_and_the_lead_signs_in(
    organisation, role_admin, django_capture_on_commit_callbacks, settings
):
    settings.PORTAL_BASE_URL = "https://scorecard.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client_for(role_admin), organisation=organisation.pk)

    person = User.objects.get(username="sam.lead@example.org")
    assert response["Location"] == f"/people/{person.pk}/"
    assert (person.role, person.organisation, person.email) == (
        Role.DATA_LEAD,
        organisation,
        "sam.lead@example.org",
    )
    assert not person.has_usable_password() and person.is_invited
    (message,) = mail.outbox
    assert message.to == ["sam.lead@example.org"]
    assert (
        message.subject == "You are invited to the Reducing Drug Harm Partnership scorecard portal"
    )
    assert "Ann Min has invited you" in message.body
    assert "as a data lead for Hampshire and Isle of Wight Constabulary" in message.body
    assert "Your username is: sam.lead@example.org" in message.body
    link = re.search(r"https://scorecard\.example\.org(/accounts/reset/\S+/)", message.body)[1]

    visitor = client_for(None)
    page = visitor.get(link, follow=True)
    assert "Choose your password" in text(page) and "sam.lead@example.org" in text(page)
    set_url = page.redirect_chain[-1][0]
    done = visitor.post(
        set_url,
        {"new_password1": "a-long-new-pass-phrase", "new_password2": "a-long-new-pass-phrase"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    assert client_for(None).login(
        username="sam.lead@example.org", password="a-long-new-pass-phrase"
    )
    assert "This link no longer works" in text(visitor.get(link, follow=True))

    sentences = [e.sentence for e in history_for(person)]
    assert sentences == [
        "Ann Min invited sam.lead@example.org.",
        "Sam Lead chose their password from their invitation.",
    ]
    assert history_for(person)[0].details == [
        "The invitation was e-mailed to sam.lead@example.org.",
        "First name: “Sam”.",
        "Last name: “Lead”.",
        "Organisation: “Hampshire and Isle of Wight Constabulary”.",
        "Role: “Data lead”.",
    ]


def test_a_data_lead_without_an_organisation_is_explained_on_the_form(role_admin):
    response = invite(client_for(role_admin))

    assert response.status_code == 200
    page = text(response)
    assert (
        '<a href="#id_organisation">Choose the organisation this data lead enters figures for: '
        "a data lead needs one</a>"
    ) in page
    assert "Constraint" not in page and 'value="Sam.Lead@Example.org"' in page
    assert not User.objects.filter(email__iexact="sam.lead@example.org").exists()
    assert mail.outbox == []


def test_an_address_that_already_has_an_account_is_explained(role_admin, lead):
    response = invite(client_for(role_admin), email=lead.email.upper(), role=Role.BOARD_MEMBER)

    assert '<a href="#id_email">There is already an account for this e-mail address</a>' in text(
        response
    )


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(
    role_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(client_for(role_admin), role=Role.BOARD_MEMBER)
    person = User.objects.get(username="sam.lead@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(role_admin).post(f"/people/{person.pk}/invitation/", follow=True)

    assert "A new invitation has been sent to sam.lead@example.org." in text(response)
    assert len(mail.outbox) == 2
    assert history_for(person)[-1].sentence == "Ann Min invited sam.lead@example.org again."


def change(client, person, **values):
    data = {
        "first_name": person.first_name or "First",
        "last_name": person.last_name or "Last",
        "role": person.role,
        "organisation": person.organisation_id or "",
        **values,
    }
    return client.post(f"/people/{person.pk}/", data)


def test_changing_a_role_is_recorded_from_and_to(role_admin, lead, icu):
    response = change(client_for(role_admin), lead, role=Role.APPROVER, organisation=icu.pk)

    assert response.status_code == 302
    lead.refresh_from_db()
    assert (lead.role, lead.organisation) == (Role.APPROVER, icu)
    event = Event.objects.get(action=Action.CHANGE, target_id=lead.pk)
    assert event.actor == role_admin
    assert event.changes["role"] == ["Data lead", "Approver"]
    assert "Role changed from “Data lead” to “Approver”." in history_for(lead)[-1].details


def test_an_admin_cannot_change_their_own_role_nor_leave_no_admin(role_admin):
    response = change(client_for(role_admin), role_admin, role=Role.BOARD_MEMBER)

    assert "You cannot change your own role: ask another admin" in text(response)
    role_admin.refresh_from_db()
    assert role_admin.role == Role.ADMIN


def test_only_a_superuser_changes_a_superuser(role_admin, super_admin):
    client = client_for(role_admin)
    response = client.post(
        f"/people/{super_admin.pk}/",
        {"first_name": "A", "last_name": "B", "role": Role.BOARD_MEMBER},
        follow=True,
    )

    assert "Only a superuser can change a superuser’s account." in text(response)
    super_admin.refresh_from_db()
    assert super_admin.role == Role.ADMIN


def test_deactivating_stops_sign_in_and_reactivating_restores_it(role_admin, lead):
    client = client_for(role_admin)

    page = client.post(f"/people/{lead.pk}/active/", {"active": "no"}, follow=True)
    assert "account has been deactivated" in text(page)
    lead.refresh_from_db()
    assert not lead.is_active
    assert not client_for(None).login(username="lead.police", password="correct-horse-battery")

    client.post(f"/people/{lead.pk}/active/", {"active": "yes"})
    lead.refresh_from_db()
    assert lead.is_active
    assert client_for(None).login(username="lead.police", password="correct-horse-battery")
    assert [d for e in history_for(lead) for d in e.details] == [
        "Can sign in changed from yes to no.",
        "Can sign in changed from no to yes.",
    ]


def test_an_admin_cannot_deactivate_themselves(role_admin):
    page = client_for(role_admin).post(
        f"/people/{role_admin.pk}/active/", {"active": "no"}, follow=True
    )
    assert "You cannot deactivate your own account: ask another admin" in text(page)
    role_admin.refresh_from_db()
    assert role_admin.is_active


def test_who_can_do_what_is_what_can_answers_for_each_role(
    lead, approver, board, role_admin, organisation
):
    people = {Role.DATA_LEAD: lead, Role.APPROVER: approver, Role.BOARD_MEMBER: board}
    people[Role.ADMIN] = role_admin
    table = dict(((words, allowed) for words, _, allowed in permission_table()))
    assert len(table) == len(RULES)
    from portal.permissions import ACTION_TEXT

    for action, (words, _) in ACTION_TEXT.items():
        if action in ("submit_for_measure", "view_submission", "edit_submission",
                      "approve_submission", "write_commentary", "view_commentary",
                      "edit_commentary", "approve_commentary"):  # fmt: skip
            continue  # object rules: the table shows the best case, checked in test_permissions
        expected = [can(people[Role(role)], action) for role in Role.values]
        assert table[words] == expected, action
    page = text(client_for(role_admin).get("/people/roles/"))
    assert "Never a return they created or changed" in page


def test_organisations_are_added_and_changed_with_errors_in_words(role_admin, icu, organisation):
    client = client_for(role_admin)
    added = client.post(
        "/people/organisations/add/",
        {"name": "Southampton City Council", "short_name": "SCC", "sources": "SCC"},
    )
    assert added["Location"] == "/people/organisations/"
    council = Organisation.objects.get(short_name="SCC")
    assert history_for(council)[0].sentence.startswith("Ann Min added organisation")

    duplicate = client.post(
        "/people/organisations/add/", {"name": "Southampton City Council", "short_name": "SC2"}
    )
    assert "There is already an organisation with this name" in text(duplicate)
    second_owner = client.post(
        f"/people/organisations/{council.pk}/",
        {"name": council.name, "short_name": "SCC", "is_default_owner": "on"},
    )
    assert "already owns the national datasets: untick it there first" in text(second_owner)
    assert "Constraint" not in text(second_owner)


def test_everyone_can_reset_a_forgotten_password_by_email(lead, django_capture_on_commit_callbacks):
    visitor = client_for(None)
    assert "Forgotten your password?" in text(visitor.get("/accounts/login/"))

    response = visitor.post("/accounts/password_reset/", {"email": lead.email})

    assert response["Location"] == "/accounts/password_reset/done/"
    (message,) = mail.outbox
    assert message.subject == "Choose a new password for the scorecard portal"
    assert f"Your username is {lead.username}" in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)[1]
    page = visitor.get(link, follow=True)
    visitor.post(
        page.redirect_chain[-1][0],
        {"new_password1": "another-long-phrase", "new_password2": "another-long-phrase"},
    )
    assert client_for(None).login(username=lead.username, password="another-long-phrase")
    assert history_for(lead)[-1].sentence == "lead.police reset their password."


def test_everyone_can_change_their_own_password(board):
    client = client_for(board)
    assert 'href="/accounts/password_change/">Change password' in text(client.get("/scorecard/"))

    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "correct-horse-battery",
            "new_password1": "a-fresh-long-phrase",
            "new_password2": "a-fresh-long-phrase",
        },
    )

    assert response["Location"] == "/accounts/password_change/done/"
    assert history_for(board)[-1].sentence == "board changed their password."


# The Django admin ---------------------------------------------------------------------------------


def test_the_user_admin_is_for_superusers_only(role_admin, lead):
    client = client_for(role_admin)
    assert client.get(f"/admin/accounts/user/{lead.pk}/change/").status_code == 403
    assert "/admin/accounts/user/" not in client.get("/admin/").content.decode()


def test_the_user_admin_hides_the_password_hash_and_raw_permissions(super_admin, lead):
    client = client_for(super_admin)

    page = client.get(f"/admin/accounts/user/{lead.pk}/change/").content.decode()

    assert 'name="role"' in page and 'name="organisation"' in page
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    assert "pbkdf2" not in page and "md5" not in page.lower()
    assert 'name="is_superuser"' in page  # a superuser sees the admin-site flags
    assert client.get("/admin/accounts/user/add/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 404


def test_the_admin_explains_a_data_lead_without_an_organisation(super_admin, lead):
    client = client_for(super_admin)
    form = client.get(f"/admin/accounts/user/{lead.pk}/change/").context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v not in (False, [])}
    data["organisation"] = ""

    response = client.post(f"/admin/accounts/user/{lead.pk}/change/", data)

    assert "A data lead needs an organisation: choose the organisation they enter figures for." in (
        text(response)
    )


def test_the_last_active_admin_is_kept(role_admin):
    root = UserFactory(username="root", role=Role.BOARD_MEMBER, is_superuser=True)

    response = change(client_for(root), role_admin, role=Role.APPROVER)

    assert "Ann Min is the only active admin: keep them one" in text(response)
    role_admin.refresh_from_db()
    assert role_admin.role == Role.ADMIN
