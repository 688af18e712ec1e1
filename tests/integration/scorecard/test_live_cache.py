"""The live scorecard page and API are rendered once per version of the scorecard
(scorecard.caching): whatever changes what they show makes a new version, so a reader never gets
an earlier rendering after the change, and what is cached is only what every reader may see."""

import gzip
import json

import pytest
from django.urls import reverse

from commentary.services import commentary_approve, commentary_save
from scorecard import caching
from scorecard.models import Measure
from scorecard.services.publishing import edition_publish
from scorecard.services.targets import target_set
from scorecard.targets import TargetKind
from submissions.approval import submission_approve
from tests.conftest import client_for
from tests.factories import Value, submission
from tests.integration.scorecard.helpers import measure_rows
from tests.queries import get_counting_queries

pytestmark = pytest.mark.django_db


def _api_row(client, number: int) -> dict:
    rows = json.loads(client.get("/api/v1/scorecard/").content)["rows"]
    return next(r for r in rows if r["number"] == number)


def _page_row(client, number: int) -> str:
    return " ".join(measure_rows(client.get("/scorecard/").content)[number].texts)


def test_a_cached_page_and_api_show_an_approved_figure_once_recomputed(
    imported, board, lead, approver, django_capture_on_commit_callbacks
):
    client = client_for(board)
    before_page, before_api = _page_row(client, 1), _api_row(client, 1)
    assert before_api["local_value"] == 60

    returned = submission(by=lead, values=[Value(1, "Nov 23", "65")])
    # Submitted but not approved: the board reads the same scorecard, still cached.
    assert (_page_row(client, 1), _api_row(client, 1)) == (before_page, before_api)
    with django_capture_on_commit_callbacks(execute=True):  # the recompute, run eagerly
        submission_approve(returned.pk, by=approver)

    after_api = _api_row(client, 1)
    assert (after_api["latest_period"], after_api["local_value"]) == ("Nov 23", 65)
    after_page = _page_row(client, 1)
    assert "65.0Nov 23" in after_page and "65.0Nov 23" not in before_page


def test_a_figure_approved_but_not_yet_recomputed_is_announced_not_shown(
    imported, board, lead, approver
):
    """The recompute runs after the approval commits (here, never): the page says the measure
    is being updated and shows the figures it was computed from."""
    client = client_for(board)
    client.get("/scorecard/")
    submission_approve(submission(by=lead, values=[Value(1, "Nov 23", "65")]).pk, by=approver)

    content = client.get("/scorecard/").content.decode()
    assert "Newly approved figures for 1 measure are being added" in content
    assert _api_row(client, 1)["latest_period"] == "Oct 23"


def test_a_cached_page_shows_catalogue_targets_commentary_and_editions_as_they_change(
    imported, board, lead, approver
):
    client = client_for(board)
    _page_row(client, 1)
    measure = Measure.objects.get(number=1)

    measure.name = "Renamed by an admin"
    measure.save()  # as the admin saves it
    assert "Renamed by an admin" in _page_row(client, 1)
    assert _api_row(client, 1)["measure"] == "Renamed by an admin"

    without_target = _page_row(client, 1)
    target_set(measure, by=approver, kind=TargetKind.DECREASE)
    assert _page_row(client, 1) != without_target

    written = commentary_save(
        measure, by=lead, commentary="Why it rose.", actions="What we do.", submit=True
    )
    assert "Why it rose." not in client.get("/scorecard/").content.decode()  # not yet approved
    commentary_approve(written.pk, by=approver)
    assert "Why it rose." in client.get("/scorecard/").content.decode()

    edition_publish("Jun-2024", by=approver)
    assert "The latest published edition is" in client.get("/scorecard/").content.decode()
    assert 'href="/scorecard/editions/Jun-2024/"' in client.get("/scorecard/").content.decode()


def test_each_filter_is_cached_apart_and_a_refused_filter_still_says_so(imported, board):
    client = client_for(board)
    everything = measure_rows(client.get("/scorecard/").content)
    police = measure_rows(client.get("/scorecard/?source=Police").content)
    assert 0 < len(police) < len(everything)
    assert measure_rows(client.get("/scorecard/").content).keys() == everything.keys()

    for _ in range(2):  # rendered, then cached
        refused = client.get("/scorecard/?show=nonsense").content.decode()
        assert refused.count("<title>Error: ") == 1


def test_the_cached_page_carries_each_readers_own_header(imported, board, approver):
    """The cached parts are the scorecard's; the header (who is signed in) and the freshness
    panel (what a reader may oversee) are each reader's own."""
    board_page = client_for(board).get("/scorecard/").content.decode()
    approver_page = client_for(approver).get("/scorecard/").content.decode()
    tracker = f'href="{reverse("collection:tracker")}"'

    def signed_in(user) -> str:
        return f"Signed in as </span>{user.get_full_name() or user.get_username()}</p>"

    assert signed_in(board) in board_page and tracker not in board_page
    assert signed_in(approver) in approver_page and signed_in(board) not in approver_page
    assert tracker in approver_page


def test_a_cached_page_costs_a_version_query_beyond_its_own_parts(imported, board):
    client = client_for(board)
    first, _ = get_counting_queries(client, "/scorecard/")
    cached, _ = get_counting_queries(client, "/scorecard/")
    api, _ = get_counting_queries(client, "/api/v1/scorecard/")
    cached_api, _ = get_counting_queries(client, "/api/v1/scorecard/")
    assert cached < first and cached_api < api
    # Session and user, the version, and the freshness panel's returns tracker (three).
    assert cached <= 6
    assert cached_api <= 3  # session, user, version


class _Recording:
    """The shared cache, noting the names set in it."""

    def __init__(self, real) -> None:
        self.real, self.set_names = real, []

    def get(self, name):
        return self.real.get(name)

    def set(self, name, value, timeout):
        self.set_names.append(name)
        self.real.set(name, value, timeout)


def test_a_filtered_page_is_kept_by_the_process_not_in_the_shared_cache(
    imported, board, monkeypatch
):
    """A search is any text a reader types: its renderings (megabytes at national scale) must
    not be able to fill the shared cache."""
    shared = _Recording(caching.cache)
    monkeypatch.setattr(caching, "cache", shared)
    client = client_for(board)

    client.get("/scorecard/?q=drug")
    client.get("/scorecard/?source=Police")
    assert shared.set_names == []
    client.get("/scorecard/")
    client.get("/api/v1/scorecard/")
    assert len(shared.set_names) == 2


def test_the_api_sends_the_scorecard_compressed_to_clients_that_accept_it(imported, board):
    client = client_for(board)
    plain = client.get("/api/v1/scorecard/")
    compressed = client.get("/api/v1/scorecard/", headers={"Accept-Encoding": "gzip, deflate"})

    assert "Content-Encoding" not in plain.headers
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 4
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert json.loads(plain.content)["rows"][0]["number"] == 1
