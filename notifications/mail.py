"""Mail of notifications: sent on the worker, never in a request or in the sweep."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from tenants.context import all_tenants_context


def absolute_link(link: str) -> str:
    """A link a mail client can open: the app's own paths under SITE_URL."""
    if not link or "://" in link:
        return link
    return f"{settings.SITE_URL}/{link.lstrip('/')}"


def mail_body(body: str, link: str) -> str:
    link = absolute_link(link)
    return f"{body}\n\nOpen it: {link}".strip() if link else body.strip()


def notifications_email(*, notification_ids: Iterable) -> int:
    """Email each of these notifications not yet emailed to its recipient's address, in one
    connection to the mail server, then mark them `emailed_at`; how many went out. A
    cross-tenant job by primary key, like the sweep that queues most of them. Idempotent:
    a retry sends only what is still unmarked, and the rows are locked while they are sent
    (a second job at the same moment, such as the catch-up, skips them). A mail server
    error propagates (the task retries); the in-app notifications stand meanwhile."""
    with all_tenants_context(), transaction.atomic():
        pending = list(
            Notification.all_tenants.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
            .exclude(recipient__email="")
            .select_for_update(of=("self",), skip_locked=True)
            .values_list("pk", "title", "body", "link", "recipient__email")
        )
        if not pending:
            return 0
        send_mass_mail(
            [
                (title, mail_body(body, link), settings.DEFAULT_FROM_EMAIL, [email])
                for _, title, body, link, email in pending
            ],
            fail_silently=False,
        )
        Notification.all_tenants.filter(pk__in=[pk for pk, *_ in pending]).update(
            emailed_at=timezone.now()
        )
    return len(pending)


#: The catch-up leaves alone what the normal path may still be sending, and what is too old
#: to be worth a mail now (the in-app notification stands).
CATCH_UP_AFTER = timedelta(minutes=5)
CATCH_UP_WITHIN = timedelta(days=2)
CATCH_UP_BATCH = 500


def notifications_email_catch_up(*, now=None) -> int:
    """Email what was never queued: notifications of the last two days, older than five
    minutes, to a recipient with an address, not yet emailed (their email could not be
    queued, the broker being down as they committed). Batches until none is left; how
    many went out."""
    now = now or timezone.now()
    sent = 0
    with all_tenants_context():
        while ids := list(
            Notification.all_tenants.filter(
                emailed_at__isnull=True,
                created_at__gte=now - CATCH_UP_WITHIN,
                created_at__lt=now - CATCH_UP_AFTER,
            )
            .exclude(recipient__email="")
            .order_by("created_at")
            .values_list("pk", flat=True)[:CATCH_UP_BATCH]
        ):
            went = notifications_email(notification_ids=ids)
            sent += went
            if went == 0:  # all of them locked by a job sending them now
                break
    return sent
