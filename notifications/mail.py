"""Mail of notifications: sent on the worker, never in a request or in the sweep."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
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
    a retry sends only what is still unmarked. A mail server error propagates (the task
    retries); the in-app notifications stand meanwhile."""
    with all_tenants_context():
        pending = list(
            Notification.all_tenants.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
            .exclude(recipient__email="")
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
