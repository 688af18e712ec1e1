"""E-mails about a measure's commentary: to approvers when one is submitted, to the data leads
who wrote it when it is approved or sent back. Sent after the transaction commits, and a mail
server that is down is logged rather than undoing the decision, as for returns of figures
(submissions.notifications)."""

from functools import partial

from django.db import transaction
from django.db.models import Q

from commentary.models import Commentary
from portal.mail import page_url, send_each
from portal.permissions import reviewers
from submissions.models import Status
from submissions.notifications import preparer_ids, send_decided


def notify_submitted(commentary: Commentary) -> None:
    transaction.on_commit(partial(_send_submitted, commentary.pk), robust=True)


def notify_decided(commentary: Commentary) -> None:
    transaction.on_commit(partial(_send_decided, commentary.pk), robust=True)


def _load(commentary_id: int) -> Commentary | None:
    return (
        Commentary.objects.select_related("measure", "organisation", "created_by", "decided_by")
        .filter(pk=commentary_id)
        .first()
    )


def _send_submitted(commentary_id: int) -> None:
    commentary = _load(commentary_id)
    if commentary is None or commentary.status != Status.SUBMITTED:
        return
    approvers = reviewers().exclude(Q(email="") | Q(pk__in=preparer_ids(commentary)))
    send_each(
        approvers.order_by("pk"),
        subject=(
            f"{commentary.organisation.short_name} commentary on measure "
            f"{commentary.measure.number} submitted for approval"
        ),
        template="commentary/email/submitted",
        context={"commentary": commentary, "link": page_url("commentary:detail", commentary.pk)},
    )


def _send_decided(commentary_id: int) -> None:
    commentary = _load(commentary_id)
    if commentary is None or commentary.status not in (Status.APPROVED, Status.SENT_BACK):
        return
    number = commentary.measure.number
    send_decided(
        commentary,
        subject=(
            f"Your commentary on measure {number} was approved"
            if commentary.status == Status.APPROVED
            else f"Your commentary on measure {number} was sent back: changes needed"
        ),
        template="commentary/email/decided",
        context={"commentary": commentary},
        link=page_url("commentary:detail", commentary.pk),
    )
