"""Who may reach what: every URL of the portal (pages, API, admin) and every persona → the status
they get, generated from the URL configuration so that a new view cannot be forgotten: a URL
name missing from ACCESS fails `test_every_url_is_in_the_access_matrix`.

To add a page: add a line to ACCESS with the URL's name, its arguments (from the World) and the
status each persona gets, in PERSONAS' order. "in" means a redirect to the sign-in page. Writes
(POST) are rolled back after each request, so every persona meets the same world.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from commentary.services import commentary_save
from scorecard.models import Measure
from submissions import services
from submissions.models import Channel
from submissions.validation import RawRow
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "lead", "other_lead", "approver", "board", "admin")
IN = "in"  # 302 to /accounts/login/
ADMIN_IN = "admin-in"  # 302 to /admin/login/


@dataclass
class World:
    """What the URLs' arguments name: returns of the lead's organisation, an edition, a staged
    upload of the lead's."""

    draft: int
    submitted: int
    staged: str
    lead: int
    organisation: int
    commentary: int
    edition: str = "May-2024"


@dataclass(frozen=True)
class Row:
    name: str
    expected: str  # one status per persona, in PERSONAS' order, e.g. "in 200 200 403 403 403"
    method: str = "get"
    args: Callable[[World], dict[str, Any]] = lambda w: {}
    data: dict[str, Any] = field(default_factory=dict)
    api: bool = False  # a JSON body

    def statuses(self) -> dict[str, str]:
        found = self.expected.split()
        assert len(found) == len(PERSONAS), self
        return dict(zip(PERSONAS, found, strict=True))


def draft(w: World) -> dict[str, Any]:
    return {"pk": w.draft}


def api_draft(w: World) -> dict[str, Any]:
    return {"submission_id": w.draft}


def submitted(w: World) -> dict[str, Any]:
    return {"submission_id": w.submitted}


def edition(w: World) -> dict[str, Any]:
    return {"name": w.edition}


EVERYONE_200 = "200 200 200 200 200 200"
SIGNED_IN_200 = "in 200 200 200 200 200"
READERS = "in 200 200 200 200 200"  # every role reads the scorecard
LEADS = "in 200 200 403 403 403"
REVIEWERS = "in 403 403 200 403 200"
ADMINS = "in 403 403 403 403 200"
API_READERS = "401 200 200 200 200 200"

#        URL name                         expected (anonymous lead other_lead approver board admin)
ACCESS: list[Row] = [
    Row("home", "in 302 302 302 302 302"),
    Row("accessibility", EVERYONE_200),
    # Signing in
    Row("login", EVERYONE_200),
    Row("logout", "405 405 405 405 405 405"),
    Row("logout", "in in in in in in", method="post"),
    Row("password_reset", EVERYONE_200),
    Row("password_reset_done", EVERYONE_200),
    Row("password_reset_confirm", EVERYONE_200, args=lambda w: {"uidb64": "x", "token": "y"}),
    Row("password_reset_complete", EVERYONE_200),
    Row("password_change", SIGNED_IN_200),
    Row("password_change_done", SIGNED_IN_200),
    Row("two_factor", "in 302 302 200 302 200"),
    Row("two_factor_setup", "in 302 302 302 302 302"),
    Row("api_tokens", SIGNED_IN_200),
    Row("api_tokens", "in 302 302 302 302 302", method="post", data={"all": "1"}),
    # The scorecard
    Row("scorecard:live", READERS),
    Row("scorecard:download", READERS, args=lambda w: {"fmt": "csv"}),
    Row("scorecard:changes", READERS),
    Row("scorecard:board_pack", READERS),
    Row("scorecard:publish", "in 403 403 200 403 200"),
    Row("scorecard:publish", "in 403 403 200 403 200", method="post", data={"name": ""}),
    Row("scorecard:measure", READERS, args=lambda w: {"number": 1}),
    Row("scorecard:editions", READERS),
    Row("scorecard:edition", READERS, args=edition),
    Row("scorecard:edition_download", READERS, args=lambda w: {"name": w.edition, "fmt": "xlsx"}),
    Row("scorecard:edition_changes", READERS, args=edition),
    Row("scorecard:edition_board_pack", READERS, args=edition),
    Row("scorecard:compare", READERS),
    Row("scorecard:board_pack_pdf", READERS),
    Row("scorecard:edition_board_pack_pdf", READERS, args=edition),
    Row("scorecard:target", "in 403 403 200 403 200", args=lambda w: {"number": 1}),
    # A measure's commentary (the owners' words for the board, approved like figures)
    Row("commentary:write", "in 200 403 403 403 403", args=lambda w: {"number": 1}),
    Row("commentary:detail", "in 200 404 200 404 200", args=lambda w: {"pk": w.commentary}),
    Row(
        "commentary:submit",
        "in 302 404 403 404 403",
        method="post",
        args=lambda w: {"pk": w.commentary},
    ),
    # People and organisations (admins, on the service's own pages)
    Row("accounts:people", ADMINS),
    Row("accounts:invite", ADMINS),
    Row("accounts:roles", ADMINS),
    Row("accounts:organisations", ADMINS),
    Row("accounts:organisation_add", ADMINS),
    Row("accounts:organisation", ADMINS, args=lambda w: {"pk": w.organisation}),
    Row("accounts:person", ADMINS, args=lambda w: {"pk": w.lead}),
    Row(
        "accounts:set_active",
        "in 403 403 403 403 302",
        method="post",
        args=lambda w: {"pk": w.lead},
        data={"active": "no"},
    ),
    Row("accounts:resend", "in 403 403 403 403 302", method="post", args=lambda w: {"pk": w.lead}),
    # Running the collection
    Row("collection:tracker", REVIEWERS),
    Row("collection:completeness", REVIEWERS),
    Row("collection:completeness_csv", REVIEWERS),
    Row("collection:preferences", SIGNED_IN_200),
    # Returns
    Row("submissions:home", LEADS),
    Row("submissions:new", LEADS),
    Row("submissions:upload", LEADS),
    Row("submissions:upload", "in 200 200 403 403 403", method="post"),
    Row("submissions:preview", "in 200 404 403 403 403", args=lambda w: {"token": w.staged}),
    Row("submissions:template", LEADS, args=lambda w: {"file_format": "csv"}),
    Row("submissions:detail", "in 200 404 200 404 200", args=draft),
    Row("submissions:edit", "in 200 404 403 404 403", args=draft),
    Row("submissions:upload_replace", "in 200 404 403 403 403", args=draft),
    Row("submissions:submit", "in 302 404 403 404 403", method="post", args=draft),
    Row("submissions:queue", REVIEWERS),
    Row("submissions:bulk_approve", "in 403 403 302 403 302", method="post"),
    Row("submissions:review", "in 403 403 200 403 200", args=submitted),
    Row(
        "submissions:review",
        "in 403 403 302 403 302",
        method="post",
        args=submitted,
        data={"action": "approve"},
    ),
    # The API
    Row("api-token", "405 405 405 405 405 405"),
    Row("api-token", "400 400 400 400 400 400", method="post", api=True),
    Row("api-token-revoke", "401 200 200 200 200 200", method="post", api=True),
    Row("api-schema", EVERYONE_200),
    Row("api-measures", API_READERS),
    Row("api-scorecard", API_READERS),
    Row("api-editions", API_READERS),
    Row("api-edition", API_READERS, args=edition),
    Row("api-submissions", "401 200 200 200 403 200"),
    Row("api-due", "401 200 200 200 403 200"),
    Row("api-submissions", "401 400 400 403 403 403", method="post", api=True),
    Row("api-submission", "401 200 404 200 403 200", args=submitted),
    Row(
        "api-submission-submit", "401 200 404 403 403 403", method="post", args=api_draft, api=True
    ),
    Row(
        "api-submission-approve", "401 403 403 200 403 200", method="post", args=submitted, api=True
    ),
    Row(
        "api-submission-send-back",
        "401 403 403 200 403 200",
        method="post",
        args=submitted,
        data={"comment": "Check row 2"},
        api=True,
    ),
    # The admin site's own pages (each model's pages: test_every_admin_model_page_...)
    Row("admin:index", "admin-in admin-in admin-in admin-in admin-in 200"),
    Row("admin:login", "200 200 200 200 200 302"),
    Row("admin:password_change", "admin-in admin-in admin-in admin-in admin-in 200"),
    Row("admin:password_change_done", "admin-in admin-in admin-in admin-in admin-in 200"),
    Row("admin:logout", "302 302 302 302 302 405"),
    Row(
        "admin:app_list",
        "admin-in admin-in admin-in admin-in admin-in 200",
        args=lambda w: {"app_label": "scorecard"},
    ),
    Row("admin:jsi18n", "admin-in admin-in admin-in admin-in admin-in 200"),
    Row("admin:autocomplete", "admin-in admin-in admin-in admin-in admin-in 403"),
    Row(
        # People are managed on /people/: the user admin is for superusers only.
        "admin:auth_user_password_change",
        "admin-in admin-in admin-in admin-in admin-in 403",
        args=lambda w: {"id": w.lead},
    ),
    Row(
        "admin:view_on_site",
        "admin-in admin-in admin-in admin-in admin-in 404",
        args=lambda w: {"content_type_id": 0, "object_id": 0},
    ),
]

#: Admin pages per model, checked for every registered model by
#: test_every_admin_model_page_is_for_admins_only (read-only models refuse "add").
ADMIN_MODEL_ACTIONS = ("changelist", "add", "change", "delete", "history")


def url_names(patterns: list[Any], namespace: str | None = None) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if not pattern.name and namespace == "admin":
                continue  # the admin's bare `<object_id>/`, a redirect to the change page
            assert pattern.name, f"every URL needs a name, for the access matrix: {pattern}"
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def admin_model_url(name: str) -> bool:
    """An admin page of a registered model (`admin:<app>_<model>_<action>`), which the model
    rule covers."""
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return True
    return False


def test_every_url_is_in_the_access_matrix():
    listed = {row.name for row in ACCESS}
    every = set(url_names(get_resolver().url_patterns))
    missing = sorted(n for n in every - listed if not admin_model_url(n))
    assert not missing, f"add these URLs to ACCESS in {__name__}: {missing}"
    assert not listed - every, f"ACCESS names URLs that no longer exist: {listed - every}"


@pytest.fixture
def personas(lead, other_lead, approver, board) -> dict[str, Client]:
    admin_user = UserFactory(username="portal.admin", role=Role.ADMIN)  # not a superuser
    assert admin_user.is_staff and not admin_user.is_superuser
    people = {
        "lead": lead,
        "other_lead": other_lead,
        "approver": approver,
        "board": board,
        "admin": admin_user,
    }
    return {"anonymous": Client(), **{name: client_for(user) for name, user in people.items()}}


@pytest.fixture
def world(imported, lead) -> World:
    figures = [RawRow(1, {"measure": "1", "period": "Nov 23", "value": "61"})]
    waiting, _ = services.submission_create(
        by=lead, rows=figures, channel=Channel.FORM, submit=True
    )
    figures = [RawRow(1, {"measure": "7", "period": "Nov 23", "value": "35"})]
    draft, _ = services.submission_create(by=lead, rows=figures, channel=Channel.FORM)
    staged = services.upload_stage(by=lead, filename="figures.csv", rows=figures)
    measure = Measure.objects.get(number=1)
    commentary = commentary_save(measure, by=lead, commentary="Networks steady.", actions="")
    return World(
        draft=draft.pk,
        submitted=waiting.pk,
        staged=staged,
        lead=lead.pk,
        organisation=lead.organisation_id,
        commentary=commentary.pk,
    )


def outcome(response: Any) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return IN
        if location.startswith("/admin/login/"):
            return ADMIN_IN
    return str(response.status_code)


def request(persona: Client, row: Row, world: World) -> Any:
    url = reverse(row.name, kwargs=row.args(world))
    client = Client()
    client.cookies = copy.deepcopy(persona.cookies)  # signing out here leaves the persona in
    with transaction.atomic():
        if row.method == "get":
            response = client.get(url)
        elif row.api:
            response = client.post(url, row.data, content_type="application/json")
        else:
            response = client.post(url, row.data)
        transaction.set_rollback(True)  # every persona meets the same world
    return response


def test_each_persona_gets_the_expected_status_from_every_url(personas, world):
    wrong = []
    for row in ACCESS:
        for persona, expected in row.statuses().items():
            got = outcome(request(personas[persona], row, world))
            if got != expected:
                wrong.append(f"{row.method.upper()} {row.name} as {persona}: {got}, not {expected}")
    assert not wrong, "\n".join(wrong)


#: Models the admin shows but never lets anyone add to (history, computed rows, frozen copies).
READ_ONLY_MODELS = {
    "scorecard.edition",
    "scorecard.datapoint",
    "scorecard.scorecardrow",
    "audit.event",
    "submissions.submission",
    "knox.authtoken",
    "otp_totp.totpdevice",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "collection.sentreminder",
    "collection.sentdigest",
    "commentary.commentary",
}
#: Models only a superuser manages in the admin (admins use the service's own pages).
SUPERUSER_ONLY_MODELS = {"accounts.user"}


def test_every_admin_model_page_is_for_admins_only(personas, world):
    wrong = []
    for model in admin.site._registry:
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        for action in ("changelist", "add"):
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}")
            read_only = action == "add" and label in READ_ONLY_MODELS
            admin_gets = "403" if read_only or label in SUPERUSER_ONLY_MODELS else "200"
            for persona, client in personas.items():
                expected = admin_gets if persona == "admin" else ADMIN_IN
                got = outcome(client.get(url))
                if got != expected:
                    wrong.append(f"{url} as {persona}: {got}, not {expected}")
    assert not wrong, "\n".join(wrong)
