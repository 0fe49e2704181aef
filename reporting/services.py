"""Alerts to people: an in-app notification per recipient, and an email beside it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from recruiting.models import Application
from tenants.models import Membership, Role

from .models import Notification

# Who on a requisition a recipient name stands for (see milestones AlertRecipient).
RECIPIENT_RECRUITER = "recruiter"
RECIPIENT_HIRING_MANAGER = "hiring_manager"
RECIPIENT_HRBP = "hrbp"
RECIPIENTS = (RECIPIENT_RECRUITER, RECIPIENT_HIRING_MANAGER, RECIPIENT_HRBP)

logger = logging.getLogger(__name__)


def _department_and_ancestors(department) -> list:
    """The requisition's department and every department above it."""
    ids, seen = [], set()
    while department is not None and department.pk not in seen:
        seen.add(department.pk)
        ids.append(department.pk)
        department = department.parent
    return ids


def department_hrbp_user_ids(*, department) -> list[int]:
    """Ids of the active HRBPs who cover `department`: tenant-wide ones and those of the
    department or one above it (what the `hrbp` recipient name means)."""
    department_ids = _department_and_ancestors(department)
    return list(
        Membership.objects.filter(role=Role.HRBP, is_active=True)
        .filter(Q(departments__isnull=True) | Q(departments__in=department_ids))
        .values_list("user_id", flat=True)
        .distinct()
    )


def requisition_recipient_user_ids(
    *, requisition, recipients: Iterable[str], hrbps_by_department: dict | None = None
) -> list[int]:
    """Ids of the users behind recipient names on one requisition, each once, in the order
    recruiter, hiring manager, HRBPs: the requisition's recruiter and hiring manager, and
    the active HRBPs whose scope covers its department (department_hrbp_user_ids). A batch
    passes one `hrbps_by_department` dict (department id -> ids) to every call, so each
    department's HRBPs are looked up once."""
    wanted = set(recipients)
    users: list[int] = []
    if RECIPIENT_RECRUITER in wanted and requisition.recruiter_id:
        users.append(requisition.recruiter_id)
    if RECIPIENT_HIRING_MANAGER in wanted and requisition.hiring_manager_id:
        users.append(requisition.hiring_manager_id)
    if RECIPIENT_HRBP in wanted:
        hrbps = {} if hrbps_by_department is None else hrbps_by_department
        if requisition.department_id not in hrbps:
            hrbps[requisition.department_id] = department_hrbp_user_ids(
                department=requisition.department
            )
        users += hrbps[requisition.department_id]
    return list(dict.fromkeys(users))


def notification_send(
    *,
    application: Application,
    recipients: Iterable[str],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
) -> list[Notification]:
    """Notify the people behind `recipients` about `application`: one in-app notification
    each, and one email each (after commit, through Django's email backend) to those with
    an address. Nobody to notify is not an error: it returns []."""
    user_ids = requisition_recipient_user_ids(
        requisition=application.requisition, recipients=recipients
    )
    if not user_ids:
        return []
    found = get_user_model().objects.in_bulk(user_ids)
    users = [found[pk] for pk in user_ids if pk in found]
    link = link or f"/applications/{application.pk}/"
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                tenant_id=application.tenant_id,
                recipient=user,
                kind=kind,
                title=title[:300],
                body=body,
                application=application,
                link=link,
            )
            for user in users
        ]
    )
    emails = [
        (title, f"{body}\n\n{link}".strip(), settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    if emails:
        _email_after_commit(emails, [n.pk for n in notifications if n.recipient.email])
    return notifications


def _email_after_commit(emails: list[tuple], notification_ids: list) -> None:
    """Send after the notifications commit; mark them emailed when the mail went out.
    The in-app notification stands even when mail is down; `emailed_at` says which."""

    def send() -> None:
        try:
            send_mass_mail(emails, fail_silently=False)
        except Exception:
            logger.exception("notification email failed for %s", notification_ids)
            return
        Notification.all_tenants.filter(pk__in=notification_ids).update(emailed_at=timezone.now())

    transaction.on_commit(send)


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user_id: int) -> int:
    """Mark every unread notification of one user (in the tenant in context) read;
    returns how many changed."""
    now = timezone.now()
    return Notification.objects.filter(recipient_id=user_id, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


@dataclass(frozen=True, slots=True)
class NotificationRow:
    """One in-app notification to insert; `email` empty when the user has none."""

    tenant_id: object
    recipient_id: int
    email: str
    kind: str
    title: str
    body: str
    application_id: object


_INSERT_NOTIFICATIONS = f"""
INSERT INTO {Notification._meta.db_table}
    (id, tenant_id, created_at, updated_at, recipient_id, kind, title, body, application_id, link)
SELECT v.id, v.tenant_id, %s, %s, v.recipient_id, v.kind, v.title, v.body, v.application_id,
       '/applications/' || v.application_id || '/'
FROM unnest(%s::uuid[], %s::uuid[], %s::int[], %s::text[], %s::text[], %s::text[], %s::uuid[])
    AS v(id, tenant_id, recipient_id, kind, title, body, application_id)
"""  # noqa: S608 -- the table name is the model's, values are parameters


def notifications_create_many(*, rows: list[NotificationRow]) -> list[uuid.UUID]:
    """What `notification_send` does, for a whole sweep batch whose recipients are already
    resolved: one INSERT for every in-app notification, one email batch after commit.
    Plain rows in, no model instances: a sweep escalates thousands at a time."""
    if not rows:
        return []
    now = timezone.now()
    ids = [uuid.uuid4() for _ in rows]
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT_NOTIFICATIONS,
            [
                now,
                now,
                ids,
                [r.tenant_id for r in rows],
                [r.recipient_id for r in rows],
                [r.kind for r in rows],
                [r.title[:300] for r in rows],
                [r.body for r in rows],
                [r.application_id for r in rows],
            ],
        )
    emailed = [(pk, r) for pk, r in zip(ids, rows, strict=True) if r.email]
    if emailed:
        emails = [
            (
                r.title[:300],
                f"{r.body}\n\n/applications/{r.application_id}/".strip(),
                settings.DEFAULT_FROM_EMAIL,
                [r.email],
            )
            for _, r in emailed
        ]
        _email_after_commit(emails, [pk for pk, _ in emailed])
    return ids
