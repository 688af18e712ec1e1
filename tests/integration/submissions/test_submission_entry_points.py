"""The same validator answers through every entry point: the entry form, the file upload, the
API and `import_values`. Each error is reported with the validator's own words and nothing is
saved; each warning is allowed in a draft but needs a note before the return is submitted."""

import html
import io
import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from audit.models import Action, Event
from submissions.forms import FIGURES
from submissions.models import Status, Submission, SubmittedValue
from submissions.validation import FIELDS, RawRow, validate_rows
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

#: A period the entry form can be opened at, for each organisation's data lead.
FORM_PERIOD = {"lead.police": "Oct 23", "lead.icu": "2022/23"}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def visible_text(response) -> str:
    return html.unescape(response.content.decode())


class Channel:
    def __init__(self, csv_bytes):
        self.csv_bytes = csv_bytes


class Form(Channel):
    """The entry grid, posted with one grid row per long-format row (hidden fields included, as
    a browser or a tampering user would send them); England's figures in its England column."""

    first_row = 1
    #: The grid's columns for the local area's figures and for England's.
    COLUMNS = {
        "": ("value", "numerator", "denominator"),
        "england": ("england", "england_numerator", "england_denominator"),
    }

    def post(self, user, rows, action="draft"):
        data = {
            "form-TOTAL_FORMS": str(len(rows)),
            "form-INITIAL_FORMS": str(len(rows)),
            "action": action,
        }
        for index, row in enumerate(rows):
            columns = self.COLUMNS[row.get("area", "").casefold()]
            cells = {
                "measure": row["measure"],
                "period": row["period"],
                "note": row.get("note", ""),
                **dict(zip(columns, (row.get(n, "") for n in FIGURES), strict=False)),
            }
            data.update({f"form-{index}-{name}": value for name, value in cells.items()})
        url = f"/submissions/new/?period={quote(FORM_PERIOD[user.username])}"
        return client_for(user).post(url, data)

    def errors(self, user, rows):
        response = self.post(user, rows)
        assert response.status_code == 200
        text = visible_text(response)
        found = set()
        for form in response.context["formset"].forms:
            for errors in form.errors.values():
                for message in errors:
                    assert message in text
                    found.add(message)
        return found

    def draft(self, user, rows):
        response = self.post(user, rows)
        assert response.status_code == 302, visible_text(response)
        return Submission.objects.get()

    def submitted(self, user, rows):
        response = self.post(user, rows, action="submit")
        if response.status_code == 302:
            return Submission.objects.get()
        return {e for form in response.context["formset"].forms for es in form.errors.values()
                for e in es}  # fmt: skip


class Upload(Channel):
    """A CSV through the upload page, its preview and its confirmation."""

    first_row = 2

    def preview(self, user, rows):
        client = client_for(user)
        file = SimpleUploadedFile("figures.csv", self.csv_bytes(rows), content_type="text/csv")
        response = client.post("/submissions/upload/", {"file": file})
        assert response.status_code == 302, visible_text(response)
        return client, response["Location"]

    def errors(self, user, rows):
        client = client_for(user)
        file = SimpleUploadedFile("figures.csv", self.csv_bytes(rows), content_type="text/csv")
        response = client.post("/submissions/upload/", {"file": file})
        if response.status_code == 200:
            # Every row has errors: nothing is staged, the upload page lists them.
            text = visible_text(response)
            assert "Save as a draft submission" not in text
            return set(re.findall(r"Row \d+, column '(\w+)': ([^<]*)", text))
        client, url = self.preview(user, rows)
        response = client.get(url)
        text = visible_text(response)
        found = set()
        for row in response.context["preview"].rows:
            for issue in row.errors:
                assert f"Row {issue.row}, column ‘{issue.field}’: {issue.message}" in text
                found.add((issue.field, issue.message))
        assert "Save as a draft submission" not in text
        assert client.post(url).status_code == 400  # confirming anyway saves nothing
        return found

    def draft(self, user, rows):
        client, url = self.preview(user, rows)
        response = client.post(url)
        assert response.status_code == 302, visible_text(response)
        return Submission.objects.get()

    def submitted(self, user, rows):
        submission = self.draft(user, rows)
        response = client_for(user).post(f"/submissions/{submission.pk}/submit/")
        if response.status_code == 302:
            submission.refresh_from_db()
            return submission
        return {i.message for i in response.context["errors"]}


class Api(Channel):
    first_row = 1

    def errors(self, user, rows):
        response = api(user).post("/api/v1/submissions/", {"values": rows}, format="json")
        assert response.status_code == 400
        return {(e["field"], e["message"]) for e in response.json()["errors"]}

    def draft(self, user, rows):
        response = api(user).post("/api/v1/submissions/", {"values": rows}, format="json")
        assert response.status_code == 201, response.json()
        self.created = response.json()
        return Submission.objects.get(pk=response.json()["id"])

    def submitted(self, user, rows):
        submission = self.draft(user, rows)
        response = api(user).post(f"/api/v1/submissions/{submission.pk}/submit/")
        if response.status_code == 200:
            submission.refresh_from_db()
            return submission
        assert response.status_code == 400
        return {e["message"] for e in response.json()["errors"]}


class Command(Channel):
    first_row = 2

    def run(self, user, rows, tmp_path, *extra):
        path = tmp_path / "figures.csv"
        path.write_bytes(self.csv_bytes(rows))
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import_values", str(path), "--user", user.username, *extra,
                         stdout=out, stderr=err)  # fmt: skip
        except CommandError:
            return False, out.getvalue(), err.getvalue()
        return True, out.getvalue(), err.getvalue()

    def errors(self, user, rows, tmp_path):
        ok, _, err = self.run(user, rows, tmp_path)
        assert not ok
        return set(re.findall(r"^Row \d+, (\w+): (.*)$", err, re.MULTILINE))

    def draft(self, user, rows, tmp_path):
        ok, out, self.err = self.run(user, rows, tmp_path)
        assert ok, self.err
        submission = Submission.objects.get()
        assert out.strip() == f"Submission {submission.pk} created (draft)"
        return submission

    def submitted(self, user, rows, tmp_path):
        ok, out, err = self.run(user, rows, tmp_path, "--submit")
        if not ok:
            return set(re.findall(r"^Row \d+, note: (.*)$", err, re.MULTILINE))
        submission = Submission.objects.get()
        assert out.strip() == f"Submission {submission.pk} created (submitted)"
        return submission


CHANNELS = {"form": Form, "upload": Upload, "api": Api, "command": Command}


def fig(measure, period, value, **other):
    return {"measure": measure, "period": period, "value": value, **other}


ERROR_CASES = {
    "unknown measure number": ("lead", [fig("999", "Oct 23", "5")]),
    "unknown measure code": ("lead", [fig("no-such", "Oct 23", "5")]),
    "measure of another organisation": ("lead", [fig("4", "2022/23", "5")]),
    "unknown area": ("lead", [fig("1", "Oct 23", "60", area="Narnia")]),
    "unparseable period": ("lead", [fig("1", "Smarch 23", "60")]),
    "period of the wrong type": ("lead", [fig("1", "2022/23", "60")]),
    "period not ended": ("lead", [fig("1", "Nov 26", "60")]),  # at FROZEN_NOW
    "value not a number": ("lead", [fig("1", "Oct 23", "lots")]),
    "value not finite": ("lead", [fig("1", "Oct 23", "Infinity")]),
    "negative count": ("lead", [fig("1", "Oct 23", "-5")]),
    "negative volume": ("lead", [fig("2", "Sept 23", "-5")]),
    "negative rate": ("icu_lead", [fig("4", "2022/23", "-1")]),
    "count not whole": ("lead", [fig("3", "2022/23", "530.5")]),
    "percentage over 100": ("icu_lead", [fig("12", "2022/23", "101")]),
    "numerator over denominator": (
        "icu_lead",
        [fig("12", "2022/23", "50", numerator="10", denominator="5")],
    ),
    "value disagrees with numerator and denominator": (
        "icu_lead",
        [fig("12", "2022/23", "50", numerator="1", denominator="4")],
    ),
    "same figure twice": ("lead", [fig("1", "Oct 23", "60"), fig("1", "Oct 23", "61")]),
}


@pytest.mark.parametrize(
    ("case", "channel"),
    [
        (case, channel)
        for case in ERROR_CASES
        for channel in CHANNELS
        # The grid has a column for the local area and one for England, no area to type.
        if not (channel == "form" and case == "unknown area")
    ],
)
def test_each_error_is_the_validators_through_every_entry_point_and_nothing_is_saved(
    request, frozen_today, imported, lead, icu_lead, tmp_path, csv_bytes, channel, case
):
    persona, rows = ERROR_CASES[case]
    user = request.getfixturevalue(persona)
    entry = CHANNELS[channel](csv_bytes)
    raw = [
        RawRow(i, {f: r.get(f, "") for f in FIELDS}) for i, r in enumerate(rows, entry.first_row)
    ]
    expected = {(i.field, i.message) for i in validate_rows(raw, user=user).errors}
    assert expected, "the case must be an error"

    found = entry.errors(user, rows, tmp_path) if channel == "command" else entry.errors(user, rows)

    if channel == "form":  # errors on hidden fields show on the row, not a field
        assert found == {message for _, message in expected}
    else:
        assert found == expected
    assert Submission.objects.count() == SubmittedValue.objects.count() == 0
    assert Event.objects.filter(target_type__model="submission").count() == 0


# Warnings --------------------------------------------------------------------------------------

#: Police's October figure for measure 1 is 60: 3 is a drop of more than half, and a small count.
WARNED = {"measure": "1", "period": "Nov 23", "value": "3"}


def expected_warnings(user):
    raw = [RawRow(1, {f: WARNED.get(f, "") for f in FIELDS})]
    return {i.message for i in validate_rows(raw, user=user).warnings}


def call(entry, method, user, rows, tmp_path):
    function = getattr(entry, method)
    return function(user, rows, tmp_path) if isinstance(entry, Command) else function(user, rows)


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_warning_is_saved_with_the_draft_through_every_entry_point(
    imported, lead, tmp_path, csv_bytes, channel
):
    expected = expected_warnings(lead)
    assert len(expected) == 2

    entry = CHANNELS[channel](csv_bytes)
    submission = call(entry, "draft", lead, [WARNED], tmp_path)

    assert submission.status == Status.DRAFT
    (value,) = submission.values.all()
    assert {w["message"] for w in value.warnings} == expected
    if channel == "api":
        assert {w["message"] for w in entry.created["warnings"]} == expected
    if channel == "command":
        assert all(f"Warning: Row 2, value: {message}" in entry.err for message in expected)
    page = visible_text(client_for(lead).get(f"/submissions/{submission.pk}/"))
    assert all(message in page for message in expected)


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_warning_without_a_note_stops_the_submit_through_every_entry_point(
    imported, lead, tmp_path, csv_bytes, channel
):
    outcome = call(CHANNELS[channel](csv_bytes), "submitted", lead, [WARNED], tmp_path)

    assert isinstance(outcome, set) and len(outcome) == 1
    assert "a value with a warning needs a note" in outcome.pop()
    assert not Submission.objects.filter(status=Status.SUBMITTED).exists()
    if channel in ("form", "command"):  # saving and submitting in one go saves nothing
        assert Submission.objects.count() == 0


@pytest.mark.parametrize("channel", CHANNELS)
def test_a_warning_with_a_note_is_submitted_through_every_entry_point(
    imported, lead, tmp_path, csv_bytes, channel
):
    row = {**WARNED, "note": "Three networks dismantled in November"}

    submission = call(CHANNELS[channel](csv_bytes), "submitted", lead, [row], tmp_path)

    assert isinstance(submission, Submission), submission
    assert submission.status == Status.SUBMITTED
    assert submission.events.filter(action=Action.SUBMIT, actor=lead).exists()
