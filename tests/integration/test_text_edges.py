"""Text the database can store, or a clear 400 naming the field: NUL characters and unpaired
surrogates (PostgreSQL and psycopg refuse them; each was a 500), lengths bounded through the API
as on the forms, and the API answering in its documented shapes."""

import pytest
from rest_framework.test import APIClient

from submissions.models import Status, Submission, SubmittedValue
from tests.conftest import client_for
from tests.factories import Value, submission

pytestmark = pytest.mark.django_db

NUL = "\\u0000"
SURROGATE = "\\ud800"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post_raw(user, url, body: str):
    """JSON as written, escapes and all: a client library would refuse to encode a surrogate."""
    return api(user).post(url, body, content_type="application/json")


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["NUL", "surrogate"])
@pytest.mark.parametrize("field", ["note", "period", "area", "measure"])
def test_a_figure_with_unstorable_text_is_refused_naming_the_field(imported, lead, field, bad):
    values = {"measure": "1", "period": "Oct 23", "value": "5", "note": "fine"}
    values[field] = f"x{bad}y"
    body = "{" + ", ".join(f'"{k}": "{v}"' for k, v in values.items()) + "}"

    response = post_raw(lead, "/api/v1/submissions/", f'{{"values": [{body}]}}')

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["row"], error["field"]) == (1, field)
    assert "cannot be stored" in error["message"] or "not text" in error["message"]
    assert not SubmittedValue.objects.exists()


def test_a_note_longer_than_the_forms_allow_is_refused_through_the_api(imported, lead):
    value = {"measure": "1", "period": "Oct 23", "value": "60", "note": "n" * 2_001}
    response = api(lead).post("/api/v1/submissions/", {"values": [value]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": 1,
            "field": "note",
            "message": "The note must be 2,000 characters or fewer; it has 2,001.",
        }
    ]
    value["note"] = "n" * 2_000
    assert (
        api(lead).post("/api/v1/submissions/", {"values": [value]}, format="json").status_code
        == 201
    )


def test_the_entry_form_limits_a_note_as_the_api_does(imported, lead):
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-measure": "1",
        "form-0-area": "",
        "form-0-period": "Oct 23",
        "form-0-value": "60",
        "form-0-note": "n" * 2_001,
    }
    response = client_for(lead).post("/submissions/new/?period=Oct+23", data)
    assert response.status_code == 200
    assert "The note must be 2,000 characters or fewer" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        (f"Fix{NUL}it", "cannot be stored"),
        (f"Fix{SURROGATE}it", "not text"),
        ("c" * 4_001, "4,000 characters or fewer"),
    ],
    ids=["NUL", "surrogate", "too long"],
)
def test_a_send_back_comment_the_database_cannot_take_is_a_400_naming_the_comment(
    imported, lead, approver, comment, message
):
    pending = submission(by=lead, values=[Value(1, "Nov 23", "65")])

    response = post_raw(
        approver, f"/api/v1/submissions/{pending.pk}/send-back/", f'{{"comment": "{comment}"}}'
    )

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "comment" and message in error["message"]
    pending.refresh_from_db()
    assert pending.status == Status.SUBMITTED


def test_a_nul_in_an_address_or_a_query_is_a_400_not_a_500(imported, board):
    api_response = api(board).get("/api/v1/editions/May%00-2024/")
    assert api_response.status_code == 400
    assert api_response.json()["errors"][0]["field"] == "path"

    page = client_for(board).get("/scorecard/editions/May%00-2024/")
    assert page.status_code == 400
    assert "contains a NUL character" in page.content.decode()

    query = client_for(board).get("/scorecard/", {"priority": "a\x00b"})
    assert query.status_code == 400
    assert "The parameter &#x27;priority&#x27; contains a NUL" in query.content.decode()


def test_a_body_that_is_not_json_gets_the_documented_error_shape(imported, lead):
    response = post_raw(lead, "/api/v1/submissions/", '{"values": [')
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "body" and "JSON parse error" in error["message"]


def test_an_api_address_matching_no_endpoint_is_a_json_404(imported, lead):
    response = api(lead).get("/api/v1/submissions/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
