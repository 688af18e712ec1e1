"""The admin's pages for people and organisations (not Django's admin): everyone and their role,
inviting someone, changing a role or organisation, deactivating and reactivating, who can do
what, and the organisations. Thin: a form, then a service in accounts.services, then a message.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import InviteForm, OrganisationForm, PersonForm
from accounts.models import Organisation, Role, User
from audit.selectors import history_for
from portal.errors import FieldError, NotAllowed
from portal.permissions import permission_table, requires


def _refused(form: Any, exc: FieldError) -> None:
    """A service's refusal on the field it concerns (the form's top when it has no such field)."""
    form.add_error(exc.field if exc.field in form.fields else None, str(exc))


@requires("manage_people")
def people(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/people.html", {"people": selectors.people()})


@requires("manage_people")
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.user_invite(by=request.user, **form.cleaned_data)
        except FieldError as exc:
            _refused(form, exc)
        else:
            messages.success(
                request,
                f"Invitation sent to {person.email}. The link in it works once, to choose a "
                "password.",
            )
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/invite.html", {"form": form})


@requires("manage_people")
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """Someone's account: their role and organisation to change, and their history."""
    found = get_object_or_404(User.objects.select_related("organisation"), pk=pk)
    initial = {
        "first_name": found.first_name,
        "last_name": found.last_name,
        "role": found.role,
        "organisation": found.organisation,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_change(found, by=request.user, **form.cleaned_data)
        except FieldError as exc:
            _refused(form, exc)
        except NotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("accounts:person", pk=found.pk)
        else:
            messages.success(request, f"{found.display_name}’s account has been changed.")
            return redirect("accounts:person", pk=found.pk)
    return render(
        request,
        "accounts/person.html",
        {
            "person": found,
            "form": form,
            "history": history_for(found),
            "is_you": found.pk == request.user.pk,
        },
    )


@requires("manage_people")
@require_POST
def set_active(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "yes"
    try:
        services.user_set_active(found, by=request.user, active=active)
    except (FieldError, NotAllowed) as exc:
        messages.error(request, str(exc))
    else:
        done = "reactivated: they can sign in again" if active else "deactivated"
        messages.success(request, f"{found.display_name}’s account has been {done}.")
    return redirect("accounts:person", pk=found.pk)


@requires("manage_people")
@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(User, pk=pk)
    try:
        services.invitation_resend(found, by=request.user)
    except (FieldError, NotAllowed) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"A new invitation has been sent to {found.email}.")
    return redirect("accounts:person", pk=found.pk)


@requires("manage_people")
def roles(request: HttpRequest) -> HttpResponse:
    """Who can do what: each role against each action, as the portal's one rule set answers."""
    return render(
        request,
        "accounts/roles.html",
        {"roles": Role.labels, "rows": permission_table()},
    )


@requires("manage_people")
def organisations(request: HttpRequest) -> HttpResponse:
    return render(
        request, "accounts/organisations.html", {"organisations": selectors.organisations()}
    )


@requires("manage_people")
@require_http_methods(["GET", "POST"])
def organisation(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add an organisation, or change one."""
    found = get_object_or_404(Organisation, pk=pk) if pk is not None else Organisation()
    form = OrganisationForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_save(
                Organisation.objects.get(pk=pk) if pk else Organisation(),
                by=request.user,
                values=form.cleaned_data,
            )
        except FieldError as exc:
            _refused(form, exc)
        else:
            messages.success(request, f"{saved.name} has been saved.")
            return redirect("accounts:organisations")
    return render(
        request,
        "accounts/organisation.html",
        {
            "form": form,
            "organisation": found if pk else None,
            "history": history_for(found) if pk else [],
        },
    )
