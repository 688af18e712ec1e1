"""The submissions API of the contract: create (all or nothing), list and read what the caller may
see, submit (403 not allowed, 409 wrong state), for every persona."""

import pytest
from rest_framework.test import APIClient

from accounts.signin_services import api_token_issue
from audit.models import Action, Event
from submissions.approval import submission_approve
from submissions.models import Channel, Status, Submission, SubmittedValue
from submissions.services import submission_submit

pytestmark = pytest.mark.django_db

NEW = {"measure": "1", "period": "Nov 23", "value": "61"}


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def draft(imported, lead, make_submission):
    return make_submission(lead, NEW)


# Who may call what ----------------------------------------------------------------------------

PERSONAS = ["lead", "other_lead", "approver", "board", None]
ENDPOINTS = {
    # name: (method, path, body, statuses for PERSONAS)
    "list": ("get", "/api/v1/submissions/", None, [200, 200, 200, 403, 401]),
    "create": ("post", "/api/v1/submissions/", {"values": [NEW]}, [201, 400, 403, 403, 401]),
    "detail": ("get", "/api/v1/submissions/{pk}/", None, [200, 404, 200, 403, 401]),
    "submit": ("post", "/api/v1/submissions/{pk}/submit/", None, [200, 404, 403, 403, 401]),
}


@pytest.mark.parametrize("persona", PERSONAS, indirect=True, ids=lambda p: p or "anonymous")
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_who_may_call_each_endpoint(draft, persona, endpoint, request):
    method, path, body, statuses = ENDPOINTS[endpoint]
    expected = statuses[PERSONAS.index(request.node.callspec.params["persona"])]

    response = getattr(api(persona), method)(path.format(pk=draft.pk), body, format="json")

    assert response.status_code == expected, response.content
    if expected in (401, 403, 404):
        assert "61" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == (
        Status.SUBMITTED if (endpoint, expected) == ("submit", 200) else "draft"
    )


def test_a_lead_of_another_organisation_gets_an_error_for_police_measures(imported, other_lead):
    response = api(other_lead).post("/api/v1/submissions/", {"values": [NEW]}, format="json")

    (error,) = response.json()["errors"]
    assert error["row"] == 1 and error["field"] == "measure"
    assert "Measure 1 is the responsibility of Police, not OPCC" in error["message"]


# Create ---------------------------------------------------------------------------------------


def test_create_returns_the_draft_with_its_values_and_warnings(imported, lead):
    body = {
        "values": [
            {"measure": 1, "period": "Nov 23", "value": 61, "note": "usual"},
            {"measure": "number-of-drugs-intelligence-cpi-submissions", "period": "Nov 23",
             "area": "", "value": 2, "numerator": None, "denominator": None},
        ]
    }  # fmt: skip

    response = api(lead).post("/api/v1/submissions/", body, format="json")

    assert response.status_code == 201
    data = response.json()
    submission = Submission.objects.get()
    assert (data["id"], data["status"]) == (submission.pk, "draft")
    assert submission.channel == Channel.API
    first, second = data["values"]
    assert first == {
        "row": 1,
        "measure": 1,
        "measure_code": first["measure_code"],
        "period": "Nov 23",
        "area": "Southampton",
        "value": 61,
        "numerator": None,
        "denominator": None,
        "variance": None,
        "note": "usual",
        "warnings": [],
        "correction": False,
        "approved_value": None,
    }
    assert second["measure"] == 7 and len(second["warnings"]) == 2
    assert [(w["row"], w["field"]) for w in data["warnings"]] == [(2, "value"), (2, "value")]
    assert data["warnings"][1]["message"] == second["warnings"][1]


def test_create_is_all_or_nothing_and_lists_every_error(imported, lead):
    body = {"values": [NEW, {**NEW, "measure": "7", "value": "x"}, {**NEW, "period": "?"}]}

    response = api(lead).post("/api/v1/submissions/", body, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(2, "value"), (3, "period")]
    assert set(errors[0]) == {"row", "field", "message"}
    assert Submission.objects.count() == SubmittedValue.objects.count() == 0
    assert Event.objects.filter(target_type__model="submission").count() == 0


@pytest.mark.parametrize(
    "body", [{}, {"values": "1,Nov 23,61"}, {"values": []}, [NEW], {"values": [["1", "Nov 23"]]}]
)
def test_a_body_without_a_list_of_value_objects_is_a_400_with_a_message(imported, lead, body):
    response = api(lead).post("/api/v1/submissions/", body, format="json")

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "values" and error["message"]
    assert Submission.objects.count() == 0


def test_a_value_for_an_approved_period_is_shown_as_a_correction(imported, lead):
    body = {"values": [{"measure": 1, "period": "Oct 23", "value": 62}]}

    (value,) = api(lead).post("/api/v1/submissions/", body, format="json").json()["values"]

    assert value["correction"] is True and value["approved_value"] == 60


def test_a_token_from_the_token_endpoint_works(imported, lead):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(lead)[1]}")

    assert client.post("/api/v1/submissions/", {"values": [NEW]}, format="json").status_code == 201


# List and read --------------------------------------------------------------------------------


def test_the_list_holds_only_what_the_caller_may_see(
    imported, lead, other_lead, approver, make_submission
):
    police = make_submission(lead, NEW)
    opcc = make_submission(other_lead, {"measure": "33", "period": "2022/23", "value": "50"})

    def ids(user):
        return [s["id"] for s in api(user).get("/api/v1/submissions/").json()]

    assert ids(lead) == [police.pk]
    assert ids(other_lead) == [opcc.pk]
    assert ids(approver) == [opcc.pk, police.pk]
    listed = api(lead).get("/api/v1/submissions/").json()[0]
    assert (listed["status"], listed["organisation"], listed["value_count"]) == (
        "draft",
        "Police",
        1,
    )


def test_the_list_can_be_narrowed_to_one_status_such_as_an_approvers_queue(
    imported, lead, approver, make_submission
):
    waiting = make_submission(lead, NEW, submit=True)
    make_submission(lead, {"measure": "7", "period": "Nov 23", "value": "34"})

    queue = api(approver).get("/api/v1/submissions/", {"status": "submitted"})
    unknown = api(approver).get("/api/v1/submissions/", {"status": "pending"})

    assert [s["id"] for s in queue.json()] == [waiting.pk]
    assert unknown.status_code == 400
    assert unknown.json()["errors"] == [
        {
            "row": None,
            "field": "status",
            "message": "Status must be one of draft, submitted, approved, sent_back.",
        }
    ]


def test_detail_shows_the_values_to_the_lead_and_the_approver(draft, lead, approver):
    for user in (lead, approver):
        data = api(user).get(f"/api/v1/submissions/{draft.pk}/").json()
        assert data["id"] == draft.pk and data["values"][0]["value"] == 61


def test_an_unknown_submission_is_404(imported, lead):
    assert api(lead).get("/api/v1/submissions/999999/").status_code == 404
    assert api(lead).post("/api/v1/submissions/999999/submit/").status_code == 404


# Submit ---------------------------------------------------------------------------------------


def test_submit_moves_a_draft_to_submitted_and_a_second_submit_is_a_conflict(draft, lead):
    first = api(lead).post(f"/api/v1/submissions/{draft.pk}/submit/")
    second = api(lead).post(f"/api/v1/submissions/{draft.pk}/submit/")

    assert first.status_code == 200 and first.json()["status"] == "submitted"
    assert second.status_code == 409 and "submitted" in second.json()["detail"]
    assert draft.events.filter(action=Action.SUBMIT).count() == 1


def test_submitting_an_approved_return_is_a_conflict(draft, lead, approver):
    submission_submit(draft, by=lead)
    submission_approve(draft.pk, by=approver)

    assert api(lead).post(f"/api/v1/submissions/{draft.pk}/submit/").status_code == 409


def test_submit_refuses_a_warning_without_a_note_with_the_row_and_field(
    imported, lead, make_submission
):
    submission = make_submission(lead, {"measure": "7", "period": "Nov 23", "value": "2"})

    response = api(lead).post(f"/api/v1/submissions/{submission.pk}/submit/")

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["row"], error["field"]) == (1, "note")
    submission.refresh_from_db()
    assert submission.status == Status.DRAFT


def test_the_schema_describes_the_submissions_endpoints(imported, lead):
    schema = api(lead).get("/api/v1/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/submissions/{submission_id}/submit/" in schema
