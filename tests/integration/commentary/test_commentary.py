"""A measure's commentary and actions through the returns' workflow: written by a data lead of
the measure's organisation, approved by someone else, audited and e-mailed; only approved
commentary reaches the board (scorecard, measure page, board pack), and an edition keeps the
commentary it was published with."""

import pytest

from audit.selectors import events_for
from commentary.models import MAX_CHARS, Commentary
from commentary.services import (
    commentary_approve,
    commentary_save,
    commentary_send_back,
    commentary_submit,
)
from portal.errors import FieldError, NotAllowed, WrongState
from scorecard.models import Measure
from scorecard.services.publishing import edition_publish
from submissions.approval import CommentRequired, TransitionError
from tests.conftest import client_for
from tests.integration.scorecard.helpers import cell, get, measure_rows

pytestmark = pytest.mark.django_db

TEXT = "Networks disrupted in October were replaced within weeks."
ACTIONS = "Joint operation with the regional unit; report to the next board."


@pytest.fixture
def measure_1(imported):
    """Number of current active Drugs Networks: a Police measure (latest figure Oct 23)."""
    return Measure.objects.get(number=1)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _approved(measure, lead, approver, text=TEXT, actions=ACTIONS) -> Commentary:
    written = commentary_save(measure, by=lead, commentary=text, actions=actions, submit=True)
    return commentary_approve(written.pk, by=approver)


def test_a_lead_writes_edits_and_submits_and_an_approver_approves_with_every_step_audited(
    measure_1, lead, approver
):
    draft = commentary_save(measure_1, by=lead, commentary="First thoughts", actions="")
    assert (draft.status, draft.about_period.label, draft.organisation.short_name) == (
        "draft",
        "Oct 23",
        "Police",
    )
    # Saving again rewrites the same draft (one commentary in hand per measure).
    again = commentary_save(measure_1, by=lead, commentary=TEXT, actions=ACTIONS)
    assert again.pk == draft.pk
    commentary_submit(draft.pk, by=lead)
    approved = commentary_approve(draft.pk, by=approver)

    assert (approved.status, approved.decided_by) == ("approved", approver)
    events = list(events_for(approved))
    assert [e.action for e in events] == ["create", "edit", "submit", "approve"]
    assert events[1].changes == {
        "commentary": ["First thoughts", TEXT],
        "actions": ["", ACTIONS],
    }
    assert [e.actor for e in events] == [lead, lead, lead, approver]


def test_only_a_data_lead_of_the_measures_organisation_writes_it(
    measure_1, other_lead, icu_lead, approver, board
):
    for outsider in (other_lead, icu_lead, approver, board):
        with pytest.raises(NotAllowed):
            commentary_save(measure_1, by=outsider, commentary=TEXT, actions="")
    assert not Commentary.objects.exists()


def test_nobody_approves_what_they_wrote_and_a_lead_never_approves(measure_1, lead, approver):
    written = commentary_save(measure_1, by=lead, commentary=TEXT, actions="", submit=True)
    with pytest.raises(NotAllowed, match="Only approvers"):
        commentary_approve(written.pk, by=lead)
    written.editors.add(approver)  # had the approver edited it, they could not decide it
    with pytest.raises(NotAllowed, match="someone else must approve"):
        commentary_approve(written.pk, by=approver)


def test_sending_back_needs_a_comment_and_the_lead_rewrites_and_resubmits(
    measure_1, lead, approver, second_approver
):
    written = commentary_save(measure_1, by=lead, commentary=TEXT, actions="", submit=True)
    with pytest.raises(CommentRequired):
        commentary_send_back(written.pk, by=approver, comment="  ")
    commentary_send_back(written.pk, by=approver, comment="Say what the operation achieved.")
    # While waiting for approval it could not change; sent back it can.
    rewritten = commentary_save(
        measure_1, by=lead, commentary=TEXT + " Three lines closed.", actions="", submit=True
    )
    assert (rewritten.pk, rewritten.status) == (written.pk, "submitted")
    with pytest.raises(WrongState, match="waiting for approval"):
        commentary_save(measure_1, by=lead, commentary="Another go", actions="")
    commentary_approve(written.pk, by=second_approver)
    with pytest.raises(TransitionError, match="already been approved by approver2"):
        commentary_approve(written.pk, by=approver)


def test_empty_and_overlong_commentary_is_refused_with_its_field(measure_1, lead):
    with pytest.raises(FieldError, match="Enter a commentary") as empty:
        commentary_save(measure_1, by=lead, commentary="   ", actions="Something")
    assert empty.value.field == "commentary"
    with pytest.raises(FieldError, match=f"{MAX_CHARS:,} characters or fewer") as long:
        commentary_save(measure_1, by=lead, commentary=TEXT, actions="x" * (MAX_CHARS + 1))
    assert long.value.field == "actions"
    assert not Commentary.objects.exists()


def test_approvers_hear_of_a_submitted_commentary_and_its_writer_of_the_decision(
    measure_1, lead, approver, second_approver, mailoutbox, commit, settings
):
    settings.PORTAL_BASE_URL = "https://scorecard.example.org/"
    with commit():
        written = commentary_save(measure_1, by=lead, commentary=TEXT, actions="", submit=True)
    assert sorted(m.to[0] for m in mailoutbox) == ["approver2@example.org", "approver@example.org"]
    assert mailoutbox[0].subject == "Police commentary on measure 1 submitted for approval"
    assert f"https://scorecard.example.org/commentary/{written.pk}/" in mailoutbox[0].body
    mailoutbox.clear()
    with commit():
        commentary_send_back(written.pk, by=approver, comment="Add the actions.")
    (mail,) = mailoutbox
    assert mail.to == ["lead.police@example.org"]
    assert mail.subject == "Your commentary on measure 1 was sent back: changes needed"
    assert "> Add the actions." in mail.body


def test_only_approved_commentary_reaches_the_board(measure_1, lead, approver, board):
    commentary_save(measure_1, by=lead, commentary="A draft nobody approved", actions="")
    for url in ("/scorecard/", "/scorecard/measures/1/", "/scorecard/board-pack/"):
        assert b"A draft nobody approved" not in get(board, url).content, url

    Commentary.objects.all().delete()
    _approved(measure_1, lead, approver)
    row = measure_rows(get(board, "/scorecard/").content)[1]
    measure = cell(row, "Measure")
    assert '<details class="govuk-details app-commentary app-no-print">' in measure.html
    assert TEXT in measure.text and ACTIONS in measure.text
    assert "Police, approved" in measure.text and "about the Oct 23 figures" in measure.text
    page = get(board, "/scorecard/measures/1/").content.decode()
    assert TEXT in page and ACTIONS in page
    pack = get(board, "/scorecard/board-pack/").content.decode()
    section = pack[pack.index('id="pack-measure-1"') : pack.index('id="pack-measure-2"')]
    assert TEXT in section and ACTIONS in section


def test_a_draft_is_seen_by_its_organisation_and_reviewers_only(
    measure_1, lead, other_lead, approver, board
):
    draft = commentary_save(measure_1, by=lead, commentary=TEXT, actions="")
    url = f"/commentary/{draft.pk}/"
    assert get(lead, url).status_code == 200
    assert get(approver, url).status_code == 200
    assert get(other_lead, url).status_code == 404
    assert get(board, url).status_code == 404
    commentary_submit(draft.pk, by=lead)
    commentary_approve(draft.pk, by=approver)
    assert get(board, url).status_code == 200  # approved: on the scorecard for everyone


def test_an_edition_keeps_the_commentary_it_was_published_with(measure_1, lead, approver, board):
    first = _approved(measure_1, lead, approver)
    edition_publish("Jun-2024", by=approver)
    _approved(measure_1, lead, approver, text="A newer commentary.", actions="")

    frozen = get(board, "/scorecard/editions/Jun-2024/").content.decode()
    assert TEXT in frozen and "A newer commentary." not in frozen
    live = get(board, "/scorecard/").content.decode()
    assert "A newer commentary." in live and TEXT not in live
    assert first.edition_rows.get().edition.name == "Jun-2024"


def test_the_publish_preview_shows_the_commentary_and_targets_to_be_frozen(
    measure_1, lead, approver
):
    _approved(measure_1, lead, approver)
    response = client_for(approver).post("/scorecard/publish/", {"name": "Jun-2024"})
    content = response.content.decode()
    assert "Check the Jun-2024 edition before publishing" in content
    assert "1 measure with approved commentary and actions, frozen with the edition" in content
    assert "0 measures with a target" in content
    assert TEXT in content


def test_the_pages_take_a_lead_from_writing_to_approval(measure_1, lead, approver, board):
    writer = client_for(lead)
    form = writer.get("/commentary/measures/1/")
    assert form.status_code == 200
    assert b'name="commentary"' in form.content and b"Oct 23" in form.content
    saved = writer.post(
        "/commentary/measures/1/", {"commentary": TEXT, "actions": ACTIONS, "action": "save"}
    )
    draft = Commentary.objects.get()
    assert saved["Location"] == f"/commentary/{draft.pk}/"
    writer.post(f"/commentary/{draft.pk}/submit/")
    assert b"Commentary to approve" in get(approver, "/submissions/review/").content
    assert f"/commentary/{draft.pk}/".encode() in get(approver, "/submissions/review/").content
    assert get(board, "/commentary/measures/1/").status_code == 403
    client_for(approver).post(f"/commentary/{draft.pk}/", {"action": "approve"})
    draft.refresh_from_db()
    assert draft.status == "approved"
    home = get(lead, "/submissions/").content.decode()
    assert "Commentary for the board" in home and "Approved" in home


def test_the_form_reports_an_empty_commentary_on_its_field(measure_1, lead):
    response = client_for(lead).post(
        "/commentary/measures/1/", {"commentary": "", "actions": "", "action": "submit"}
    )
    content = response.content.decode()
    assert "<title>Error: Commentary on measure 1" in content
    assert '<a href="#id_commentary">Enter a commentary saying what the latest figure means' in (
        content
    )
    assert not Commentary.objects.exists()
