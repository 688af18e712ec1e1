"""The first JSON API: tokens, the catalogue, the live scorecard and editions."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_token_for_valid_credentials_and_then_the_scorecard(imported, board):
    response = api().post(
        "/api/v1/token/", {"username": "board", "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    data = client.get("/api/v1/scorecard/").json()
    assert len(data["rows"]) == 39
    assert data["area"] == "Southampton"
    assert data["rows"][0]["latest_period"] == "Oct 23"


def test_wrong_password_gets_no_token(board):
    response = api().post(
        "/api/v1/token/", {"username": "board", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    "url",
    ["/api/v1/scorecard/", "/api/v1/measures/", "/api/v1/editions/", "/api/v1/editions/May-2024/"],
)
def test_anonymous_callers_are_refused(url, imported):
    assert api().get(url).status_code == 401


@pytest.mark.parametrize("persona", ["lead", "other_lead", "approver", "board", "admin_user"])
def test_every_role_reads_the_scorecard(persona, request, imported):
    user = request.getfixturevalue(persona)
    assert api(user).get("/api/v1/scorecard/").status_code == 200


def test_measures_list_the_catalogue(imported, board):
    measures = api(board).get("/api/v1/measures/").json()
    assert len(measures) == 39
    first = measures[0]
    assert (first["number"], first["unit"], first["organisation"], first["period_type"]) == (
        1,
        "Monthly count",
        "Police",
        "month",
    )


def test_editions_list_and_detail(imported, board):
    assert [e["name"] for e in api(board).get("/api/v1/editions/").json()] == ["May-2024"]
    detail = api(board).get("/api/v1/editions/May-2024/").json()
    assert detail["edition"] == "May-2024" and len(detail["rows"]) == 39
    assert api(board).get("/api/v1/editions/Jan-1999/").status_code == 404


def test_schema_is_served(board):
    response = api(board).get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/scorecard/" in response.content
