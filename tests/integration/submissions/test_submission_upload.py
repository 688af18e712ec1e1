"""Uploading a long-format file: formats, the preview (new / changed / unchanged, problems first,
nothing saved until confirmed), bad files, the blank template, the reference's own figures
previewing as unchanged, and a 10,000-row file costing no more queries than a 100-row one."""

import html
import math
import re
from datetime import datetime
from pathlib import Path

import pytest
import tablib
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import Action
from portal.bulk import BATCH_SIZE
from scorecard.figures import format_value
from scorecard.models import AreaKind, DataPoint
from scorecard.periods import Period
from submissions.models import (
    Channel,
    StagedUpload,
    StagedValue,
    Status,
    Submission,
    SubmittedValue,
)
from tests.conftest import client_for
from tests.factories import MeasureFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def upload(client, name, content, url="/submissions/upload/", destination=None):
    """Post a file as the upload page does: a new return, or (for an open return's page) its
    figures replaced, unless `destination` says otherwise."""
    if destination is None:
        destination = "new" if url == "/submissions/upload/" else "replace"
    return client.post(url, {"file": SimpleUploadedFile(name, content), "destination": destination})


def template_rows(content: bytes, file_format: str) -> list[dict[str, str]]:
    """The blank template's rows as written (its figures are blank, so uploads would skip
    them all)."""
    dataset = tablib.Dataset().load(
        content.decode("utf-8-sig") if file_format == "csv" else content, format=file_format
    )
    return [
        {
            name: "" if cell is None else str(cell)
            for name, cell in zip(dataset.headers, row, strict=True)
        }
        for row in dataset
    ]


def staged_files() -> list[StagedUpload]:
    return list(StagedUpload.objects.all())


def preview_of(client, name, content):
    response = upload(client, name, content)
    assert response.status_code == 302, text(response)
    url = response["Location"]
    return url, client.get(url)


NEW = {"measure": "1", "period": "Nov 23", "value": "61"}


# Formats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [False, True], ids=["utf-8", "utf-8 with BOM"])
def test_a_csv_previews_with_or_without_a_byte_order_mark(imported, lead, csv_bytes, bom):
    _, response = preview_of(client_for(lead), "figures.csv", csv_bytes([NEW], bom=bom))

    (row,) = response.context["preview"].rows
    assert row.status == "new" and row.value == "61.0"
    assert Submission.objects.count() == 0


def test_an_xlsx_previews_and_reads_numbers_and_a_month_typed_as_a_date(imported, lead, xlsx_bytes):
    rows = [
        {"measure": 1, "period": datetime(2023, 11, 1), "value": 61.0},
        {"measure": 7, "period": "Nov 23", "value": 35, "note": "Busy month"},
    ]
    _, response = preview_of(client_for(lead), "figures.xlsx", xlsx_bytes(rows))

    preview = response.context["preview"]
    assert preview.counts["new"] == 2 and not preview.has_errors
    assert [r.period for r in preview.rows] == ["Nov 23", "Nov 23"]


def test_columns_may_be_in_any_order_and_case_and_optional_ones_left_out(imported, lead, csv_bytes):
    content = b"Value, PERIOD ,measure,comment\n61,Nov 23,1,ignored\n"
    _, response = preview_of(client_for(lead), "figures.csv", content)

    assert response.context["preview"].counts["new"] == 1


# Preview and confirmation ----------------------------------------------------------------------


def test_nothing_is_saved_until_the_data_lead_confirms(imported, lead, csv_bytes):
    client = client_for(lead)
    url, response = preview_of(client, "figures.csv", csv_bytes([NEW]))
    assert response.status_code == 200
    assert Submission.objects.count() == SubmittedValue.objects.count() == 0

    confirmed = client.post(url)

    submission = Submission.objects.get()
    assert confirmed["Location"] == f"/submissions/{submission.pk}/"
    assert (submission.status, submission.channel) == (Status.DRAFT, Channel.UPLOAD)
    assert submission.values.get().value == 61
    assert submission.events.get().action == Action.CREATE
    assert staged_files() == []
    assert client.post(url).status_code == 404  # the staged rows are gone once confirmed


def test_the_preview_marks_each_row_new_changed_or_unchanged_with_old_and_new_values(
    imported, lead, csv_bytes
):
    rows = [
        {"measure": "1", "period": "Oct 23", "value": "60"},  # approved 60.0
        {"measure": "7", "period": "Oct 23", "value": "34"},  # approved 33.0
        NEW,
    ]
    _, response = preview_of(client_for(lead), "figures.csv", csv_bytes(rows))

    statuses = {r.row: r.status for r in response.context["preview"].rows}
    assert statuses == {2: "unchanged", 3: "changed", 4: "new"}
    page = text(response)
    assert "Changed</strong> 33.0 → 34.0" in page
    assert re.search(r"Changed \(corrections of approved figures\)</dt>\s*<dd[^>]*>1<", page)


def test_rows_with_problems_come_first_and_name_the_row_column_and_reason(
    imported, lead, csv_bytes
):
    rows = [NEW, {"measure": "7", "period": "Nov 23", "value": "2"}, {**NEW, "measure": "99"}]
    _, response = preview_of(client_for(lead), "figures.csv", csv_bytes(rows))

    preview = response.context["preview"]
    assert [(r.row, r.status) for r in preview.rows] == [(4, "error"), (3, "new"), (2, "new")]
    assert preview.rows[1].warnings
    page = text(response)
    assert "Row 4, column ‘measure’: '99' is not the number or code of a measure we know." in page
    assert "Row 3, column ‘value’: A count of 2 is small enough" in page
    assert "Nothing has been saved" in page
    assert "Save as a draft submission" not in page


def test_a_file_with_any_error_saves_nothing_even_if_confirmed(imported, lead, csv_bytes):
    client = client_for(lead)
    url, _ = preview_of(client, "figures.csv", csv_bytes([NEW, {**NEW, "period": "Smarch"}]))

    response = client.post(url)

    assert response.status_code == 400
    assert Submission.objects.count() == SubmittedValue.objects.count() == 0


def test_a_large_preview_is_summarised_and_paginated_with_problems_first(imported, lead, csv_bytes):
    months = [Period.month(1990, 1)]
    while len(months) < 250:
        months.append(months[-1].next())
    rows = [{"measure": "2", "period": p.label, "value": "80"} for p in months]
    rows[200]["value"] = "eighty"
    client = client_for(lead)
    url, response = preview_of(client, "figures.csv", csv_bytes(rows))

    preview = response.context["preview"]
    assert preview.counts == {"error": 1, "changed": 0, "new": 249, "unchanged": 0, "warning": 0}
    page = response.context["page"]
    assert len(page.object_list) == 100 and page.paginator.num_pages == 3
    assert page.object_list[0].row == 202
    assert "Rows 1 to 100 of 250, problems first" in text(response)
    last = client.get(url, {"page": 3})
    assert len(last.context["page"].object_list) == 50


def test_the_upload_page_shows_a_checking_state_from_a_static_script_without_inline_script(
    lead,
):
    page = client_for(lead).get("/submissions/upload/").content.decode()

    assert '<script type="module" src="/static/js/upload.js"></script>' in page
    assert 'data-app-busy="Checking your file…"' in page
    assert 'role="status" aria-live="polite"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "no inline scripts under the CSP"
    script = (Path(settings.BASE_DIR) / "static" / "js" / "upload.js").read_text()
    assert "form[data-app-busy]" in script and "button.textContent = text" in script


def test_a_preview_belongs_to_the_user_who_uploaded_it(imported, lead, csv_bytes):
    url, _ = preview_of(client_for(lead), "figures.csv", csv_bytes([NEW]))
    colleague = UserFactory(
        username="lead.police.2", role=lead.role, organisation=lead.organisation
    )

    assert client_for(colleague).get(url).status_code == 404
    assert client_for(colleague).post(url).status_code == 404
    assert (
        client_for(lead).get("/submissions/upload/not-a-real-token-at-all-xx/").status_code == 404
    )
    assert Submission.objects.count() == 0


# Bad files -------------------------------------------------------------------------------------


BAD_FILES = {
    "not csv or xlsx": ("figures.txt", b"measure,period,value\n1,Oct 23,5\n", "must be a CSV"),
    "pdf": ("figures.pdf", b"%PDF-1.4 ...", "must be a CSV (.csv) or Excel workbook (.xlsx)"),
    "empty": ("figures.csv", b"", "The submitted file is empty"),
    "only spaces": ("figures.csv", b"  \n ", "The file is empty"),
    "header only": ("figures.csv", b"measure,period,value\n", "The file has no figures in it"),
    "missing column": ("figures.csv", b"measure,value\n1,5\n", "The file has no 'period' column"),
    "no value column": (
        "figures.csv",
        b"measure,period,area\n1,Oct 23,\n",
        "The file has no 'value' column",
    ),
    "every row blank": (
        "figures.csv",
        b"measure,period,area,value\n1,Oct 23,,\n7,Oct 23,,\n",
        "None of the file's 2 rows has a figure in it: fill in the value column",
    ),
    "ragged csv": ("figures.csv", b"measure,period,value\n1,Oct 23,5,6\n", "could not be read"),
    "not utf-8": (
        "figures.csv",
        "measure,period,value\n1,Oct 23,5\n".encode("utf-16"),
        "not a CSV saved as UTF-8",
    ),
    "damaged xlsx": ("figures.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an"),
    "text named xlsx": ("figures.xlsx", b"measure,period,value\n", "is not an Excel workbook"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_staged_or_saved(imported, lead, case):
    name, content, fragment = BAD_FILES[case]

    response = upload(client_for(lead), name, content)

    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page and fragment in page
    assert "Traceback" not in page
    assert staged_files() == [] and Submission.objects.count() == 0


def test_an_xlsx_named_csv_is_explained(imported, lead, xlsx_bytes):
    response = upload(client_for(lead), "figures.csv", xlsx_bytes([NEW]))
    assert "is an Excel workbook named .csv" in text(response)


def test_a_file_over_the_size_limit_is_refused_by_the_form(imported, lead, settings, csv_bytes):
    settings.MAX_UPLOAD_BYTES = 50
    content = csv_bytes([NEW, {**NEW, "measure": "7"}])
    assert len(content) > 50

    response = upload(client_for(lead), "figures.csv", content)

    assert response.status_code == 200
    assert "The file must be smaller than 50" in text(response)
    assert staged_files() == []


# The blank template ----------------------------------------------------------------------------


def test_the_csv_template_lists_the_organisations_measures_with_the_period_due(
    frozen_today, imported, lead
):
    response = client_for(lead).get("/submissions/template.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="Police-figures-template.csv"' in response["Content-Disposition"]
    rows = template_rows(response.content, "csv")
    assert [(r["measure"], r["period"]) for r in rows] == [
        ("1", "Oct 26"),
        ("2", "Oct 26"),
        ("3", "2025/26"),
        ("7", "Oct 26"),
    ]
    assert "Number of current active Drugs Networks" in response.content.decode("utf-8-sig")


def test_the_xlsx_template_has_england_rows_for_measures_compared_with_england(
    frozen_today, imported, icu_lead
):
    response = client_for(icu_lead).get("/submissions/template.xlsx")

    rows = [(r["measure"], r["area"]) for r in template_rows(response.content, "xlsx")]
    assert ("4", "") in rows and ("4", "England") in rows
    periods = {r["period"] for r in template_rows(response.content, "xlsx") if r["measure"] == "4"}
    assert periods == {"2025/26"}
    assert ("8", "England") not in rows  # a count is not compared with England
    assert not any(measure in ("1", "2", "3", "7") for measure, _ in rows)


def test_a_filled_in_template_uploads_as_new_figures(frozen_today, imported, lead, csv_bytes):
    template = template_rows(client_for(lead).get("/submissions/template.csv").content, "csv")
    figures = {"1": "61", "2": "85", "3": "531", "7": "34"}
    rows = [{**r, "value": figures[r["measure"]]} for r in template]

    _, response = preview_of(client_for(lead), "filled.csv", csv_bytes(rows))

    assert response.context["preview"].counts["new"] == 4
    assert not response.context["preview"].has_errors


def test_an_unknown_template_format_is_not_found(lead):
    assert client_for(lead).get("/submissions/template.pdf").status_code == 404


# The reference's own figures -------------------------------------------------------------------


def reference_rows(organisation):
    points = DataPoint.objects.filter(
        is_current=True, measure__organisation=organisation
    ).select_related("measure", "area", "period")
    return [
        {
            "measure": p.measure.number,
            "period": p.period.label,
            "area": "" if p.area.kind == AreaKind.LOCAL else p.area.name,
            "value": format_value(p.value, p.measure.decimal_places),
        }
        for p in points
    ]


def test_the_police_latest_reference_figures_preview_as_all_unchanged(
    imported, lead, organisation, csv_bytes
):
    rows = reference_rows(organisation)
    assert len(rows) == 4

    _, response = preview_of(client_for(lead), "reference.csv", csv_bytes(rows))

    preview = response.context["preview"]
    assert preview.counts["unchanged"] == 4
    assert {r.status for r in preview.rows} == {"unchanged"}


def test_the_icus_latest_reference_figures_preview_as_all_unchanged(
    imported, icu_lead, icu, xlsx_bytes
):
    rows = reference_rows(icu)
    assert len(rows) > 40 and any(r["area"] == "England" for r in rows)

    _, response = preview_of(client_for(icu_lead), "reference.xlsx", xlsx_bytes(rows))

    preview = response.context["preview"]
    assert preview.counts["unchanged"] == len(rows)
    assert {r.status for r in preview.rows} == {"unchanged"}


# Scale -----------------------------------------------------------------------------------------


def test_a_10000_row_upload_needs_no_more_queries_than_a_100_row_one_but_insert_batches(
    imported, lead, organisation, csv_bytes
):
    measures = [
        MeasureFactory(number=5000 + i, code=f"bulk-{i}", organisation=organisation)
        for i in range(100)
    ]

    def months(first, count):
        out = [first]
        while len(out) < count:
            out.append(out[-1].next())
        return out

    def upload_preview_and_confirm(periods):
        rows = [
            {"measure": m.number, "period": p.label, "value": str(10 + i % 50)}
            for p in periods
            for i, m in enumerate(measures)
        ]
        client = client_for(lead)
        with CaptureQueriesContext(connection) as context:
            url, _ = preview_of(client, "figures.csv", csv_bytes(rows))
            assert client.post(url).status_code == 302
        inserts = [
            q["sql"] for q in context.captured_queries
            if q["sql"].startswith(
                tuple(
                    f'{verb} "submissions_{table}"'
                    for verb in ("INSERT INTO", "COPY")
                    for table in ("stagedvalue", "submittedvalue")
                )
            )
        ]  # fmt: skip
        return len(rows), len(context.captured_queries) - len(inserts), len(inserts)

    # The audit trail looks up a return's content type once per process, then caches it.
    ContentType.objects.get_for_model(Submission)
    small_rows, small_other, small_inserts = upload_preview_and_confirm(
        months(Period.month(2000, 1), 1)
    )
    large_rows, large_other, large_inserts = upload_preview_and_confirm(
        months(Period.month(2010, 1), 100)
    )

    assert (small_rows, large_rows) == (100, 10_000)
    assert large_other == small_other
    # Staged by COPY (in batches elsewhere), confirmed by one INSERT … SELECT.
    if connection.vendor == "postgresql":
        assert (small_inserts, large_inserts) == (2, 2)
    else:
        fields = [f for f in StagedValue._meta.concrete_fields if not f.primary_key]
        batch = min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, [None] * large_rows))
        assert small_inserts == math.ceil(small_rows / batch) + 1
        assert large_inserts == math.ceil(large_rows / batch) + 1
    assert SubmittedValue.objects.count() == 10_100


# Replacing an open return's figures ------------------------------------------------------------


def test_a_file_can_replace_a_drafts_figures_and_the_edit_is_audited(
    imported, lead, csv_bytes, make_submission
):
    submission = make_submission(lead, NEW)
    client = client_for(lead)
    response = upload(
        client,
        "figures.csv",
        csv_bytes([{**NEW, "value": "62"}, {"measure": "7", "period": "Nov 23", "value": "35"}]),
        url=f"/submissions/{submission.pk}/upload/",
    )
    preview = client.get(response["Location"])
    assert "Replacing the figures in submission" in text(preview)

    client.post(response["Location"])

    assert Submission.objects.count() == 1
    assert sorted(v.value for v in submission.values.all()) == [35, 62]
    edit = submission.events.get(action=Action.EDIT)
    assert edit.changes["channel"] == "upload"
    assert edit.changes["changed"] == [
        {"measure": 1, "area": "Southampton", "period": "Nov 23", "field": "value",
         "from": "61", "to": "62"},
    ]  # fmt: skip
    assert edit.changes["added"][0]["measure"] == 7


def test_a_submitted_returns_figures_cannot_be_replaced_by_a_file(
    imported, lead, csv_bytes, make_submission
):
    submission = make_submission(lead, NEW, submit=True)

    response = upload(
        client_for(lead),
        "figures.csv",
        csv_bytes([{**NEW, "value": "62"}]),
        url=f"/submissions/{submission.pk}/upload/",
    )

    assert response["Location"] == f"/submissions/{submission.pk}/"
    assert submission.values.get().value == 61 and staged_files() == []


# Forgiving what people do ----------------------------------------------------------------------


def test_template_rows_left_blank_are_ignored_and_counted(imported, lead, csv_bytes):
    template = template_rows(client_for(lead).get("/submissions/template.csv").content, "csv")
    assert len(template) == 4
    template[0]["value"], template[2]["value"] = "61", "531"  # measures 1 and 3 only

    _, response = preview_of(client_for(lead), "template.csv", csv_bytes(template))

    preview = response.context["preview"]
    assert not preview.has_errors and preview.counts["new"] == 2
    page = text(response)
    assert "2 rows left blank were ignored: no value, numerator, denominator or note." in page
    assert 'Rows with figures</dt><dd class="govuk-summary-list__value">2<' in page


def test_a_row_with_a_note_but_no_value_is_kept_and_explained_not_ignored(
    imported, lead, csv_bytes
):
    rows = [NEW, {"measure": "7", "period": "Nov 23", "note": "Figure to follow"}]

    _, response = preview_of(client_for(lead), "figures.csv", csv_bytes(rows))

    preview = response.context["preview"]
    assert preview.counts["error"] == 1 and response.context["ignored"] == ""
    assert "Enter the value, or leave the whole row blank if you have no figure." in text(response)


def test_the_preview_names_each_measure_even_on_rows_with_errors(imported, lead, csv_bytes):
    rows = [NEW, {"measure": "7", "period": "Nov 2099", "value": "3"}]

    _, response = preview_of(client_for(lead), "figures.csv", csv_bytes(rows))

    page = text(response)
    assert "1. Number of current active Drugs Networks" in page
    assert "7. " in page and "Nov 2099" in page  # the row in error keeps its measure's name
    error_row = next(r for r in response.context["preview"].rows if r.errors)
    assert (error_row.measure, error_row.measure_name) == (
        "7",
        "Number of drugs intelligence (CPI) submissions",
    )


def test_the_upload_page_shows_one_way_of_writing_each_of_the_organisations_periods(
    frozen_today, imported, lead
):
    page = text(client_for(lead).get("/submissions/upload/"))

    assert "How to write your periods" in page
    assert "<code>Oct 26</code> means" in page
    assert "<code>2025/26</code> means April 2025 to March" in page
    # Police report no quarters, so no quarter labels to confuse (the page's random tokens may
    # hold "Q1": only the periods written out count).
    assert not re.search(r"<code>[^<]*Q[1-4]</code>", page)


def test_a_file_can_be_added_to_a_draft_keeping_its_other_figures(
    imported, lead, csv_bytes, make_submission
):
    submission = make_submission(lead, NEW, {"measure": "7", "period": "Nov 23", "value": "31"})
    client = client_for(lead)
    page = text(client.get(f"/submissions/{submission.pk}/upload/"))
    assert f"What should the file do to submission {submission.pk}?" in page

    response = upload(
        client,
        "more.csv",
        csv_bytes(
            [
                {"measure": "7", "period": "Nov 23", "value": "32"},
                {"measure": "2", "period": "Nov 23", "value": "80"},
            ]
        ),
        url=f"/submissions/{submission.pk}/upload/",
        destination="add",
    )
    preview = client.get(response["Location"])
    assert (preview.context["preview"].replaced, preview.context["preview"].untouched) == (1, 1)
    assert f"Adding to submission {submission.pk}" in text(preview)
    assert "1 replaced by the file’s; 1 kept" in text(preview)

    client.post(response["Location"])

    figures = {(v.measure.number, v.value) for v in submission.values.select_related("measure")}
    assert figures == {(1, 61), (7, 32), (2, 80)}
    assert [v.row for v in submission.values.order_by("row")] == [1, 3, 4]  # file rows after
    edit = submission.events.get(action=Action.EDIT)
    assert [c["measure"] for c in edit.changes["changed"]] == [7]
    assert [a["measure"] for a in edit.changes["added"]] == [2]
    assert edit.changes["removed"] == []


def test_a_new_upload_can_join_one_of_the_organisations_open_returns(
    imported, lead, csv_bytes, make_submission
):
    submission = make_submission(lead, NEW)
    client = client_for(lead)
    page = text(client.get("/submissions/upload/"))
    assert "Where should the figures go?" in page
    assert f"Add to submission {submission.pk} (draft, 1 figure)" in page

    response = upload(
        client,
        "more.csv",
        csv_bytes([{"measure": "7", "period": "Nov 23", "value": "32"}]),
        destination=str(submission.pk),
    )
    client.post(response["Location"])

    assert Submission.objects.count() == 1
    assert submission.values.count() == 2


def test_only_open_returns_of_the_organisation_are_offered(
    imported, lead, other_lead, csv_bytes, make_submission
):
    submitted = make_submission(lead, NEW, submit=True)
    theirs = make_submission(other_lead, {"measure": "33", "period": "2022/23", "value": "50"})
    make_submission(lead, {"measure": "2", "period": "Nov 23", "value": "80"})  # open: offered
    assert f"submission {theirs.pk}" not in text(client_for(lead).get("/submissions/upload/"))

    response = upload(
        client_for(lead),
        "more.csv",
        csv_bytes([{"measure": "7", "period": "Nov 23", "value": "32"}]),
        destination=str(submitted.pk),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in text(response)
    assert submitted.values.count() == 1


# Staging within bounds ---------------------------------------------------------------------------


def test_a_file_whose_every_row_has_errors_is_not_staged_and_its_errors_are_listed(
    imported, lead, csv_bytes
):
    rows = [{**NEW, "measure": str(900 + i)} for i in range(25)]
    response = upload(client_for(lead), "figures.csv", csv_bytes(rows))

    assert response.status_code == 200
    page = text(response)
    assert "Row 2, column 'measure': '900' is not the number or code of a measure we know." in page
    assert "Row 21, column 'measure'" in page and "Row 22, column" not in page
    assert "And 5 more problems in the file." in page
    assert staged_files() == []


def test_a_person_keeps_at_most_their_three_latest_staged_uploads(
    imported, lead, csv_bytes, settings
):
    settings.STAGED_UPLOADS_PER_USER = 3
    client = client_for(lead)
    urls = [preview_of(client, f"figures{i}.csv", csv_bytes([NEW]))[0] for i in range(4)]

    assert StagedUpload.objects.filter(user=lead).count() == 3
    assert client.get(urls[0]).status_code == 404  # the oldest went
    assert all(client.get(url).status_code == 200 for url in urls[1:])


def test_viewing_a_preview_page_does_not_validate_the_file_again(
    imported, lead, csv_bytes, monkeypatch
):
    from submissions import services, validation

    client = client_for(lead)
    url, _ = preview_of(client, "figures.csv", csv_bytes([NEW] * 1 + [{**NEW, "measure": "7"}]))

    def fail(*args, **kwargs):
        raise AssertionError("the preview validated the file again")

    monkeypatch.setattr(validation, "validate_rows", fail)
    monkeypatch.setattr(services, "validate_rows", fail)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page": 1})
    assert response.status_code == 200
    assert response.context["preview"].counts["new"] == 2
    assert len(queries) <= 6, [q["sql"] for q in queries.captured_queries]


def test_confirming_saves_the_values_as_previewed_without_validating_them_again(
    imported, lead, csv_bytes, monkeypatch
):
    from submissions import services, validation

    correction = {"measure": "7", "period": "Oct 23", "value": "34", "note": "Recounted"}
    client = client_for(lead)
    url, _ = preview_of(client, "figures.csv", csv_bytes([NEW, correction]))

    def fail(*args, **kwargs):
        raise AssertionError("confirming validated the file again")

    monkeypatch.setattr(validation, "validate_rows", fail)
    monkeypatch.setattr(services, "validate_rows", fail)
    assert client.post(url).status_code == 302

    submission = Submission.objects.get()
    saved = {
        (v.row, v.measure.number, v.period.label): (v.value, v.note)
        for v in submission.values.select_related("measure", "period")
    }
    assert saved == {(2, 1, "Nov 23"): (61, ""), (3, 7, "Oct 23"): (34, "Recounted")}
    changes = submission.events.get(action=Action.CREATE).changes
    assert changes["values"] == 2
    assert [(c["measure"], c["from"], c["to"], c["reason"]) for c in changes["corrections"]] == [
        (7, "33", "34", "Recounted")
    ]


@pytest.mark.parametrize("change", ["measure retired", "lead moved to another organisation"])
def test_confirming_after_what_the_file_was_checked_against_changed_checks_it_again(
    imported, lead, csv_bytes, change
):
    from accounts.models import Organisation
    from scorecard.models import Measure

    client = client_for(lead)
    url, _ = preview_of(client, "figures.csv", csv_bytes([NEW]))
    if change == "measure retired":
        measure = Measure.objects.get(number=1)
        measure.active = False
        measure.save()  # the catalogue changes, and with it the live scorecard's version
    else:
        lead.organisation = Organisation.objects.exclude(pk=lead.organisation_id).first()
        lead.save()

    response = client.post(url)

    assert response.status_code == 400
    assert "Some figures are no longer acceptable" in text(response)
    assert Submission.objects.count() == SubmittedValue.objects.count() == 0
