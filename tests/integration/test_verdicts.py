"""Verdicts the board can trust, through the services and the pages that carry them: each
measure's method decides the comparison, the rows (live and frozen) store how they were
decided, and JSON readers get it all. Expected figures are worked by hand in test_compute.py
and test_trends.py; here they are checked where the board reads them."""

import importlib
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from rest_framework.test import APIClient

from scorecard.models import Edition, EditionRow, Measure, ScorecardRow
from scorecard.selectors import live_scorecard
from scorecard.services.publishing import edition_publish
from scorecard.services.recomputing import scorecard_recompute
from scorecard.services.recording import record_value
from submissions.approval import submission_approve
from submissions.models import SubmittedValue
from tests.conftest import client_for
from tests.factories import MeasureFactory, england, local_area, reporting_period

pytestmark = pytest.mark.django_db

D = Decimal


def rate_per_1000(**fields):
    return MeasureFactory(
        unit="Rate per 1k population",
        value_kind="rate",
        multiplier=1000,
        comparable_with_england=True,
        period_type="financial_year",
        decimal_places=1,
        **fields,
    )


def json_row(number: int) -> dict[str, object]:
    return next(r for r in live_scorecard().as_json()["rows"] if r["number"] == number)


def test_the_rate_scaled_by_its_denominator_is_higher_wherever_the_board_reads_it():
    # The case: 236 in 252,500 entered as 0.9 per 1,000 against England's 0.8; Byar
    # gives 0.8192..1.0618 per 1,000 (worked in test_compute.py): Higher.
    measure = rate_per_1000(number=4, polarity="lower_is_better")
    period = reporting_period("2023/24")
    record_value(
        measure,
        local_area(),
        period,
        D("0.9"),
        numerator=D(236),
        denominator=D(252_500),
        origin="test",
    )
    record_value(measure, england(), period, D("0.8"), origin="test")
    scorecard_recompute([measure.pk])

    row = ScorecardRow.objects.get(measure=measure)
    assert (row.compared, row.tested, row.method, row.judgement) == (
        "Higher",
        True,
        "Byar 95%",
        "Worse",
    )
    assert (row.ci_lower, row.ci_upper) == (D("0.819197"), D("1.061821"))
    expected = {
        "compared": "Higher",
        "method": "Byar 95%",
        "tested": True,
        "ci_lower": 0.819197,
        "ci_upper": 1.061821,
        "judgement": "Worse",
        "trend": "Cannot be calculated",
        "reason": "No direction of travel: only 2023/24 is held: 2022/23 is not. Recent trend "
        "cannot be calculated: it needs five consecutive periods and 1 period is held.",
    }
    assert {k: json_row(4)[k] for k in expected} == expected
    out = io.StringIO()
    call_command("export_scorecard", "--format", "json", stdout=out)
    exported = next(r for r in json.loads(out.getvalue())["rows"] if r["number"] == 4)
    assert {k: exported[k] for k in expected} == expected


def test_zero_events_are_similar_by_the_exact_upper_limit():
    # 0 in 1,000 per 1,000 against England's 0.7: exact 95% interval 0 to 3.69: Similar.
    measure = rate_per_1000(number=5, polarity="lower_is_better")
    period = reporting_period("2023/24")
    record_value(
        measure, local_area(), period, D("0.0"), numerator=D(0), denominator=D(1000), origin="t"
    )
    record_value(measure, england(), period, D("0.7"), origin="test")
    scorecard_recompute([measure.pk])
    row = json_row(5)
    assert (row["compared"], row["method"], row["judgement"]) == (
        "Similar",
        "exact Poisson 95%",
        "Similar",
    )
    assert (row["ci_lower"], row["ci_upper"]) == (0, 3.688879)


def test_a_rate_without_its_inputs_reads_not_tested_with_the_reason():
    measure = rate_per_1000(number=6, polarity="lower_is_better")
    period = reporting_period("2023/24")
    record_value(measure, local_area(), period, D("4.9"), origin="test")
    record_value(measure, england(), period, D("3.0"), origin="test")
    scorecard_recompute([measure.pk])
    row = json_row(6)
    assert (row["compared"], row["tested"], row["method"], row["judgement"]) == (
        "Higher",
        False,
        "values only",
        "Not tested",
    )
    assert str(row["reason"]).startswith(
        "Not tested: no numerator and denominator for 2023/24, so the values were compared "
        "without a test."
    )


def test_a_recent_trend_is_tested_over_five_consecutive_periods():
    # Offences 20, 25, 30, 35, 40 in 10,000 people a year: χ² = 8.33 (test_trends.py), rising,
    # and lower is better.
    measure = rate_per_1000(number=7, polarity="lower_is_better")
    for label, events in zip(
        ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"], [20, 25, 30, 35, 40], strict=True
    ):
        record_value(
            measure,
            local_area(),
            reporting_period(label),
            D(events) / 10,
            numerator=D(events),
            denominator=D(10_000),
            origin="test",
        )
    scorecard_recompute([measure.pk])
    row = ScorecardRow.objects.get(measure=measure)
    assert row.trend == "Increasing and getting worse"
    assert row.trend_note == (
        "Chi-squared test for trend over 2019/20 to 2023/24: χ² = 8.33 against 3.84, the "
        "critical value at 95%: significant"
    )
    assert row.direction == "↑" and row.direction_reason == ""


def test_a_corrected_value_loses_the_direction_its_edition_stated(imported):
    measure = Measure.objects.get(number=2)  # Sept 23, 84.0, published ↓
    row = ScorecardRow.objects.get(measure=measure)
    assert (row.direction, row.direction_reason) == ("↓", "as published in May-2024")
    record_value(measure, local_area(), reporting_period("Sept 23"), D("85"), origin="fix")
    scorecard_recompute([measure.pk])
    row.refresh_from_db()
    assert (row.direction, row.direction_reason) == (
        "×",
        "the Sept 23 figure is now 85.0, not the one May-2024 stated its direction for",
    )
    # A figure two months later is not stretched back across the gap either.
    record_value(measure, local_area(), reporting_period("Nov 23"), D("90"), origin="test")
    scorecard_recompute([measure.pk])
    row.refresh_from_db()
    assert (row.direction, row.direction_reason) == (
        "×",
        "Oct 23, the period before Nov 23, is not held",
    )


def test_the_imported_edition_is_as_published_and_untested(imported):
    rows = {r.number: r for r in EditionRow.objects.all()}
    assert {r.method for r in rows.values()} == {"as published"}
    assert not any(r.tested for r in rows.values())
    assert {r.judgement for r in rows.values()} == {"Not tested"}
    assert rows[4].comparison_reason == "compared as published in May-2024, which does not say how"
    assert rows[1].comparison_reason == "not compared in May-2024"
    assert (rows[4].direction_reason, rows[4].trend_note) == (
        "as published in May-2024",
        "May-2024 does not state one",
    )
    # A measure the document created gets a first guess at its method from its unit.
    assert Measure.objects.get(number=4).multiplier == 1000
    assert Measure.objects.get(number=16).multiplier == 100
    assert Measure.objects.get(number=20).multiplier is None  # "Rate": an admin sets it


def _admin_post(client, measure, **changes):
    page = client.get(f"/admin/scorecard/measure/{measure.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update(changes)
    return client.post(f"/admin/scorecard/measure/{measure.pk}/change/", data)


def test_an_edition_freezes_what_judged_it_while_the_admin_changes_the_method(
    imported, admin_user, approver
):
    # Successful completions (opiate), a proportion: 62 of 1,000 = 6.2% against England's 3.0.
    # Wilson 95%: 4.87%..7.87%, Higher; higher is better: Better.
    measure = Measure.objects.get(number=16)
    client = client_for(admin_user)
    assert _admin_post(client, measure, polarity="higher_is_better").status_code == 302
    quarter = reporting_period("2022/23 Q1")
    record_value(
        measure, local_area(), quarter, D("6.2"), numerator=D(62), denominator=D(1000), origin="t"
    )
    record_value(measure, england(), quarter, D("3.0"), origin="test")
    scorecard_recompute([measure.pk])
    edition = edition_publish("Jun-2024", by=approver)
    frozen = edition.rows.get(number=16)
    assert (frozen.judgement, frozen.polarity, frozen.method, frozen.confidence_level) == (
        "Better",
        "higher_is_better",
        "Wilson 95%",
        "95",
    )
    assert (frozen.ci_lower, frozen.ci_upper) == (D("4.866418"), D("7.868806"))

    # The admin turns the polarity round and asks for 99.8%: saving recomputes the live row.
    response = _admin_post(client, measure, polarity="lower_is_better", confidence_level="99.8")
    assert response.status_code == 302
    live = ScorecardRow.objects.get(measure=measure)
    assert (live.judgement, live.method) == ("Worse", "Wilson 99.8%")
    frozen.refresh_from_db()
    assert (frozen.judgement, frozen.polarity, frozen.method) == (
        "Better",
        "higher_is_better",
        "Wilson 95%",
    )
    page = client_for(approver).get("/scorecard/editions/Jun-2024/").content.decode()
    assert '<strong class="app-tag app-tag--better">Better</strong>' in page


def test_a_percentage_needs_its_multiplier_in_the_admin(imported, admin_user):
    measure = Measure.objects.get(number=16)
    response = _admin_post(client_for(admin_user), measure, multiplier="")
    assert response.status_code == 200
    assert "A percentage or rate needs its multiplier (100 for per cent)." in (
        response.content.decode()
    )


def test_a_standardised_rate_travels_with_its_variance_to_dobson(imported, admin_user, approver):
    # Deaths from drug use, made a directly standardised rate per 100,000 by the admin; the ICU
    # lead submits 5.2 on 40 deaths with variance 0.8 and England's 3.5: Dobson 3.584..7.246.
    from accounts.models import Role
    from tests.factories import UserFactory

    measure = Measure.objects.get(number=20)
    assert (
        _admin_post(
            client_for(admin_user),
            measure,
            value_kind="dsr",
            multiplier="100000",
            polarity="lower_is_better",
        ).status_code
        == 302
    )
    icu_lead = UserFactory(
        username="lead.icu", role=Role.DATA_LEAD, organisation=measure.organisation
    )
    api = APIClient()
    api.force_authenticate(icu_lead)
    values = [
        {
            "measure": "20",
            "period": "2021 - 2023",
            "value": "5.2",
            "numerator": "40",
            "denominator": "760000",
            "variance": "0.8",
        },
        {"measure": "20", "period": "2021 - 2023", "area": "England", "value": "3.5"},
    ]
    created = api.post("/api/v1/submissions/", {"values": values}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["values"][0]["variance"] == 0.8
    pk = created.json()["id"]
    assert api.post(f"/api/v1/submissions/{pk}/submit/").status_code == 200
    submission_approve(pk, by=approver)
    scorecard_recompute([measure.pk])

    value = SubmittedValue.objects.get(submission_id=pk, area__kind="local")
    assert value.data_point is not None and value.data_point.variance == D("0.8")
    row = json_row(20)
    assert (row["compared"], row["method"], row["judgement"]) == (
        "Higher",
        "Dobson 95%",
        "Worse",
    )
    assert (row["ci_lower"], row["ci_upper"]) == (3.584021, 7.246381)


def test_the_catalogue_api_states_each_measures_method(imported):
    api = APIClient()
    from tests.factories import UserFactory

    api.force_authenticate(UserFactory(username="reader"))
    measures = {m["number"]: m for m in api.get("/api/v1/measures/").json()}
    assert {
        k: measures[4][k]
        for k in (
            "value_kind",
            "multiplier",
            "confidence_level",
            "comparison_method",
            "small_number_threshold",
            "publish_small_numbers",
        )
    } == {
        "value_kind": "rate",
        "multiplier": 1000,
        "confidence_level": "95",
        "comparison_method": "interval",
        "small_number_threshold": 5,
        "publish_small_numbers": False,
    }


def test_the_migration_takes_todays_guess_and_freezes_published_judgements(imported, approver):
    """Run the data migration's step on a database as it stood before: measures without a
    multiplier, edition rows without verdicts."""
    migration = importlib.import_module(
        "scorecard.migrations.0005_methods_from_units_and_frozen_verdicts"
    )
    Measure.objects.update(multiplier=None)
    Measure.objects.filter(number=4).update(polarity="lower_is_better")
    published = Edition.objects.create(
        name="Jun-2024",
        title="t",
        area=local_area(),
        edition_date="2024-06-01",
        published_at="2024-06-03T09:00:00Z",
        published_by=approver,
    )
    copy = EditionRow.objects.get(number=4)
    copy.pk, copy.edition = None, published
    copy.save()
    EditionRow.objects.update(method="", judgement="", comparison_reason="", trend_note="")

    migration.forwards(apps, None)

    assert Measure.objects.get(number=4).multiplier == 1000  # "Rate per 1k population"
    assert Measure.objects.get(number=16).multiplier == 100  # a percentage
    assert Measure.objects.get(number=20).multiplier is None  # "Rate": not stated
    imported_row = EditionRow.objects.get(edition__name="May-2024", number=4)
    assert (imported_row.method, imported_row.judgement) == ("as published", "Not tested")
    # Published from the live scorecard: the judgement the board was shown then, frozen.
    frozen = EditionRow.objects.get(edition=published)
    assert (frozen.method, frozen.judgement, frozen.polarity) == (
        "not recorded",
        "Worse",
        "lower_is_better",
    )
    assert set(ScorecardRow.objects.values_list("data_version", flat=True)) == {0}
