"""Reads about people and organisations for the admin's pages."""

from django.db.models import Count, QuerySet

from accounts.models import Organisation, User


def people() -> QuerySet[User]:
    """Everyone, active first, then by name, with their organisation."""
    return User.objects.select_related("organisation").order_by(
        "-is_active", "first_name", "last_name", "username"
    )


def organisations() -> QuerySet[Organisation]:
    """Every organisation, with how many people and measures it has."""
    return Organisation.objects.annotate(
        people=Count("members", distinct=True), measure_count=Count("measures", distinct=True)
    ).order_by("name")
