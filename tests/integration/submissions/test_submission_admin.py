"""The admin shows returns and the audit trail but cannot add, change or delete them."""

import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(imported, lead, make_submission):
    return make_submission(lead, {"measure": "1", "period": "Nov 23", "value": "61"})


def test_an_admin_can_list_and_view_returns_and_audit_events(draft, admin_user):
    client = client_for(admin_user)

    assert client.get("/admin/submissions/submission/").status_code == 200
    page = client.get(f"/admin/submissions/submission/{draft.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.get("/admin/audit/event/").status_code == 200


def test_the_admin_cannot_add_change_or_delete_returns_or_events(draft, admin_user):
    client = client_for(admin_user)
    event = draft.events.get()

    assert client.get("/admin/submissions/submission/add/").status_code == 403
    assert client.post(f"/admin/submissions/submission/{draft.pk}/delete/").status_code == 403
    assert client.get("/admin/audit/event/add/").status_code == 403
    client.post(f"/admin/audit/event/{event.pk}/change/", {"action": "approve"})
    event.refresh_from_db()
    assert event.action == "create"
