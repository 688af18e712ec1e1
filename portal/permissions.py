"""Who may do what: the one rule set that views, the API and the admin all ask.

Roles are data, not scattered `if`s: each action maps to a rule taking the user and, where the
answer depends on it, the object (a measure or a submission).
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal, Protocol

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from accounts.models import Role, User

Action = Literal[
    "view_scorecard",
    "view_unapproved",
    "enter_values",
    "submit_for_measure",
    "view_submission",
    "edit_submission",
    "review_submissions",
    "approve_submission",
    "publish_edition",
    "manage_catalogue",
    "oversee_collection",
    "manage_people",
    "write_commentary",
    "view_commentary",
    "edit_commentary",
    "approve_commentary",
    "set_target",
]


class PreparedWorkLike(Protocol):
    """A return of figures or a measure's commentary (submissions.models.PreparedWork)."""

    organisation_id: int | None
    status: str

    @property
    def is_editable(self) -> bool: ...

    def was_prepared_by(self, user: Any) -> bool: ...


def _role(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    return str(user.role)


#: The roles that review returns, decide them and hear that one has arrived.
REVIEWER_ROLES = (Role.APPROVER, Role.ADMIN)


def _is(*roles: str) -> Callable[[Any, Any], bool]:
    return lambda user, obj: _role(user) in roles


def _lead_of(user: Any, organisation_id: int | None) -> bool:
    return (
        _role(user) == Role.DATA_LEAD
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def _leads_measure(user: Any, measure: Any) -> bool:
    return _lead_of(user, measure.organisation_id)


def _may_view_submission(user: Any, submission: PreparedWorkLike) -> bool:
    return _role(user) in REVIEWER_ROLES or _lead_of(user, submission.organisation_id)


def _may_edit_submission(user: Any, submission: PreparedWorkLike) -> bool:
    return _lead_of(user, submission.organisation_id) and submission.is_editable


def _may_approve(user: Any, submission: PreparedWorkLike) -> bool:
    # Segregation of duties: whoever created or edited a return never signs it off.
    return _role(user) in REVIEWER_ROLES and not submission.was_prepared_by(user)


RULES: dict[str, Callable[[Any, Any], bool]] = {
    "view_scorecard": _is(Role.DATA_LEAD, Role.APPROVER, Role.BOARD_MEMBER, Role.ADMIN),
    "view_unapproved": _is(Role.DATA_LEAD, Role.APPROVER, Role.ADMIN),
    "enter_values": _is(Role.DATA_LEAD),
    "submit_for_measure": _leads_measure,
    "view_submission": _may_view_submission,
    "edit_submission": _may_edit_submission,
    "review_submissions": _is(*REVIEWER_ROLES),
    "approve_submission": _may_approve,
    "publish_edition": _is(Role.APPROVER, Role.ADMIN),
    "manage_catalogue": _is(Role.ADMIN),
    # Every partner's returns tracker, completeness and timeliness (a data lead sees their own
    # organisation's tracker on their home page and in the API, through `view_unapproved`).
    "oversee_collection": _is(*REVIEWER_ROLES),
    "manage_people": _is(Role.ADMIN),
    # A measure's commentary goes through the same hands as its figures: written by a data lead
    # of its organisation, signed off by a reviewer who did not write it.
    "write_commentary": _leads_measure,
    "view_commentary": _may_view_submission,
    "edit_commentary": _may_edit_submission,
    "approve_commentary": _may_approve,
    # What a measure aims for is the partnership's decision, recorded by an approver or admin.
    "set_target": _is(Role.APPROVER, Role.ADMIN),
}

#: Each action in words, for the "who can do what" page, with the condition when the answer
#: depends on the object (a measure, a return).
ACTION_TEXT: dict[str, tuple[str, str]] = {
    "view_scorecard": ("Read the published scorecard and its editions", ""),
    "view_unapproved": ("See figures that are not approved yet", ""),
    "enter_values": ("Enter figures on the form or by uploading a file", ""),
    "submit_for_measure": ("Submit figures for a measure", "Their organisation’s measures only"),
    "view_submission": ("Open a return", "Data leads: their organisation’s returns only"),
    "edit_submission": (
        "Change a return",
        "Their organisation’s drafts, and returns sent back to them",
    ),
    "review_submissions": ("See the returns waiting for approval", ""),
    "approve_submission": (
        "Approve a return, or send it back",
        "Never a return they created or changed",
    ),
    "publish_edition": ("Publish an edition of the scorecard", ""),
    "manage_catalogue": ("Manage the catalogue of measures", ""),
    "oversee_collection": (
        "See every partner's returns tracker, completeness and timeliness",
        "",
    ),
    "manage_people": ("Invite people, change their roles and deactivate them", ""),
    "write_commentary": (
        "Write a measure's commentary and actions",
        "Their organisation's measures only",
    ),
    "view_commentary": ("Open a commentary", "Data leads: their organisation's only"),
    "edit_commentary": (
        "Change a commentary",
        "Their organisation's drafts, and commentaries sent back to them",
    ),
    "approve_commentary": (
        "Approve a commentary, or send it back",
        "Never one they wrote or changed",
    ),
    "set_target": ("Set a measure's target", ""),
}


@dataclass(frozen=True)
class _StandIn:
    """Someone of a role, and the objects the rules are kindest to, to ask `can()` what a
    role may do at best (the condition in ACTION_TEXT says when it may not)."""

    role: str
    organisation_id: int = 1
    status: str = "draft"
    is_authenticated: bool = True
    is_active: bool = True
    is_superuser: bool = False
    pk: int = 0

    @property
    def is_editable(self) -> bool:
        return True

    def was_prepared_by(self, user: Any) -> bool:
        return False


def permission_table() -> list[tuple[str, str, list[bool]]]:
    """Who can do what: for each action, its words, its condition, and for each role (in the
    order of `Role`) whether it may, as `can()` answers."""
    rows = []
    for action, (words, condition) in ACTION_TEXT.items():
        allowed = [RULES[action](_StandIn(role), _StandIn(role)) for role in Role.values]
        rows.append((words, condition, allowed))
    return rows


def needs_two_factor(user: Any) -> bool:
    """Whether `user` must add a code from an authenticator app to their password: the roles
    that decide returns and run the portal, whenever TWO_FACTOR_REQUIRED (on unless DEBUG)."""
    return bool(settings.TWO_FACTOR_REQUIRED) and _role(user) in REVIEWER_ROLES


def can(user: Any, action: Action, obj: Any = None) -> bool:
    """True when `user` may perform `action` (on `obj`, for object-level actions)."""
    return RULES[action](user, obj)


View = Callable[..., HttpResponse]


def requires(action: Action) -> Callable[[View], View]:
    """A page that needs `action`: anonymous visitors are sent to sign in, signed-in users
    whose role may not do it get 403. (The API's equivalent is `portal.api.Can`.)"""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def reviewers() -> QuerySet[User]:
    """The active users whose role reviews and decides returns (`review_submissions`): the
    people told when a return arrives."""
    return User.objects.filter(Q(role__in=REVIEWER_ROLES) | Q(is_superuser=True), is_active=True)


NAVIGATION: list[tuple[str, str, Action]] = [
    ("Your figures", "submissions:home", "enter_values"),
    ("Approvals", "submissions:queue", "review_submissions"),
    ("Returns", "collection:tracker", "oversee_collection"),
    ("Scorecard", "scorecard:live", "view_scorecard"),
    ("Editions", "scorecard:editions", "view_scorecard"),
    ("People", "accounts:people", "manage_people"),
    ("Admin", "admin:index", "manage_catalogue"),
]


def navigation_for(user: Any, path: str) -> list[dict[str, object]]:
    """The service navigation a user's role gives them. The longest item matching the path is
    active: `aria-current="page"` on its own page, `"true"` on the pages below it."""
    items: list[dict[str, object]] = [
        {"label": label, "url": reverse(url_name), "active": False, "current": None}
        for label, url_name, action in NAVIGATION
        if can(user, action)
    ]
    matching = [item for item in items if path.startswith(str(item["url"]))]
    if matching:
        active = max(matching, key=lambda item: len(str(item["url"])))
        active["active"] = True
        active["current"] = "page" if path == active["url"] else "true"
    return items
