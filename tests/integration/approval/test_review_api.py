"""`POST /api/v1/submissions/{id}/approve/` and `…/send-back/`: the contract's statuses for every
persona and state."""

import pytest
from rest_framework.test import APIClient

from scorecard.models import DataPoint
from submissions.models import Status
from tests.factories import Value, prepared_by, submission

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def approve(pk: int) -> str:
    return f"/api/v1/submissions/{pk}/approve/"


def send_back(pk: int) -> str:
    return f"/api/v1/submissions/{pk}/send-back/"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 401), ("lead", 403), ("other_lead", 403), ("board", 403), ("approver", 200)],
    indirect=["persona"],
)
def test_approve_endpoint_for_every_persona(police_return, persona, expected):
    response = api(persona).post(approve(police_return.pk))

    assert response.status_code == expected
    police_return.refresh_from_db()
    assert police_return.status == (Status.APPROVED if expected == 200 else Status.SUBMITTED)
    if expected == 200:
        assert response.json() == {"id": police_return.pk, "status": "approved"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(None, 401), ("lead", 403), ("other_lead", 403), ("board", 403), ("approver", 200)],
    indirect=["persona"],
)
def test_send_back_endpoint_for_every_persona(police_return, persona, expected):
    response = api(persona).post(
        send_back(police_return.pk), {"comment": "Check November"}, format="json"
    )

    assert response.status_code == expected
    if expected == 200:
        assert response.json() == {"id": police_return.pk, "status": "sent_back"}


def test_token_authenticated_approver_can_approve(police_return, approver):
    from accounts.signin_services import api_token_issue

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(approver)[1]}")

    assert client.post(approve(police_return.pk)).status_code == 200


@pytest.mark.parametrize("prepared_as", ["creator", "editor"])
def test_approving_a_return_you_prepared_is_403(
    imported, organisation, lead, approver, prepared_as
):
    edited = prepared_by(approver, prepared_as, organisation=organisation, lead=lead)

    response = api(approver).post(approve(edited.pk))

    assert response.status_code == 403
    assert "You prepared submission" in response.json()["detail"]
    assert (
        api(approver).post(send_back(edited.pk), {"comment": "x"}, format="json").status_code == 403
    )


def test_second_decision_is_409_and_changes_nothing(police_return, approver, second_approver):
    assert api(approver).post(approve(police_return.pk)).status_code == 200

    again = api(second_approver).post(approve(police_return.pk))
    late_send_back = api(second_approver).post(
        send_back(police_return.pk), {"comment": "x"}, format="json"
    )

    assert (again.status_code, late_send_back.status_code) == (409, 409)
    assert "already been approved by approver" in again.json()["detail"]
    assert DataPoint.objects.filter(period__label="Nov 23").count() == 1


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SENT_BACK])
def test_deciding_a_return_that_is_not_submitted_is_409(
    imported, lead, approver, second_approver, status
):
    pending = submission(
        by=lead, status=status, decided_by=second_approver, values=[Value(1, "Nov 23", "65")]
    )

    assert api(approver).post(approve(pending.pk)).status_code == 409


def test_unknown_submission_is_404(imported, approver):
    assert api(approver).post(approve(999_999)).status_code == 404
    assert (
        api(approver).post(send_back(999_999), {"comment": "x"}, format="json").status_code == 404
    )


@pytest.mark.parametrize("body", [{}, {"comment": ""}, {"comment": "   "}, {"comment": 12}])
def test_send_back_without_a_comment_is_400_in_the_contract_error_format(
    police_return, approver, body
):
    response = api(approver).post(send_back(police_return.pk), body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "row": None,
                "field": "comment",
                "message": "Enter a comment saying what the data lead needs to change.",
            }
        ]
    }
    police_return.refresh_from_db()
    assert police_return.status == Status.SUBMITTED


def test_the_endpoints_are_in_the_openapi_schema(imported, approver):
    schema = api(approver).get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()

    assert "/api/v1/submissions/{submission_id}/approve/" in schema
    assert "/api/v1/submissions/{submission_id}/send-back/" in schema
