"""`import_values PATH --user USERNAME [--submit]`: a thin wrapper round the upload's parsing and
the services; prints the new submission, or the row errors and exits non-zero saving nothing."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from submissions.management.commands.import_values import Command
from submissions.models import Channel, Status, Submission

pytestmark = pytest.mark.django_db

NEW = {"measure": "1", "period": "Nov 23", "value": "61"}


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_values", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_becomes_a_draft_and_the_command_says_which(
    imported, lead, tmp_path, csv_bytes
):
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([NEW]))

    out, err = run(path, "--user", "lead.police")

    submission = Submission.objects.get()
    assert out == f"Submission {submission.pk} created (draft)\n" and err == ""
    assert (submission.status, submission.channel, submission.created_by) == (
        Status.DRAFT,
        Channel.COMMAND,
        lead,
    )


def test_with_submit_the_submission_is_submitted(imported, lead, tmp_path, xlsx_bytes):
    path = tmp_path / "figures.xlsx"
    path.write_bytes(xlsx_bytes([NEW]))

    out, _ = run(path, "--user", "lead.police", "--submit")

    submission = Submission.objects.get()
    assert out == f"Submission {submission.pk} created (submitted)\n"
    assert submission.status == Status.SUBMITTED


def test_row_errors_are_printed_and_nothing_is_saved(
    frozen_today, imported, lead, tmp_path, csv_bytes
):
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([NEW, {**NEW, "measure": "7", "period": "Nov 2026"}]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_values", str(path), "--user", "lead.police", stderr=err)

    assert err.getvalue() == (
        "Row 3, period: Nov 26 has not ended yet: its figures can be submitted from "
        "1 December 2026.\n"
    )
    assert Submission.objects.count() == 0


def test_the_exit_status_is_non_zero_on_errors(
    imported, lead, tmp_path, csv_bytes, capsys, monkeypatch
):
    # run_from_argv closes the database connections when done, as manage.py would: keep the
    # test's open transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([{**NEW, "value": "x"}]))

    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "import_values", str(path), "--user", "lead.police"])

    assert exited.value.code == 1
    assert "Row 2, value: 'x' is not a number" in capsys.readouterr().err
    assert Submission.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("figures.csv", b"", "File: The file is empty."),
        ("figures.csv", b"measure,value\n1,5\n", "Row 1, period: The file has no 'period' column"),
        ("figures.ods", b"whatever", "File: The file must be a CSV (.csv) or Excel workbook"),
    ],
)
def test_a_bad_file_is_explained(imported, lead, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_values", str(path), "--user", "lead.police", stderr=err)

    assert err.getvalue().startswith(message)


def test_an_unknown_user_or_a_missing_file_is_an_error(imported, lead, tmp_path, csv_bytes):
    (tmp_path / "x.csv").write_bytes(csv_bytes([NEW]))
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run(tmp_path / "x.csv", "--user", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run(tmp_path / "missing.csv", "--user", "lead.police")


def test_only_a_data_lead_can_import_values(imported, approver, tmp_path, csv_bytes):
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([NEW]))

    with pytest.raises(CommandError, match="Only a partner organisation's data lead"):
        run(path, "--user", "approver")
    assert Submission.objects.count() == 0


def test_the_sample_file_submits_with_its_warning_explained(imported, lead):
    sample = Path(__file__).resolve().parents[2] / "fixtures" / "police-nov-23.csv"

    out, err = run(sample, "--user", "lead.police", "--submit")

    submission = Submission.objects.get()
    assert out == f"Submission {submission.pk} created (submitted)\n"
    assert err.startswith(
        "Warning: Row 4, value: 2.0 is 98% lower than the latest approved figure, 84.0 for "
        "Sept 23, which is 2 months before Nov 23 with no figures in between. Check it"
    )
    assert submission.values.count() == 3


def test_template_rows_left_blank_are_counted_on_standard_error(
    imported, lead, tmp_path, csv_bytes
):
    path = tmp_path / "figures.csv"
    path.write_bytes(csv_bytes([NEW, {"measure": "7", "period": "Nov 23"}]))

    out, err = run(path, "--user", "lead.police")

    assert out.startswith("Submission ")
    assert "1 row left blank was ignored: no value, numerator, denominator or note." in err
