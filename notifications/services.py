"""Alerts to people: an in-app notification per recipient, and an email beside it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from ats_milestones.db import json_param
from notifications.models import Notification
from notifications.tasks import notifications_email_task
from tenants.models import Department, Membership, Role
from tenants.permissions import Capability, role_may

logger = logging.getLogger(__name__)

# Who on a requisition a recipient name stands for (see milestones AlertRecipient).
RECIPIENT_RECRUITER = "recruiter"
RECIPIENT_HIRING_MANAGER = "hiring_manager"
RECIPIENT_HRBP = "hrbp"
RECIPIENTS = (RECIPIENT_RECRUITER, RECIPIENT_HIRING_MANAGER, RECIPIENT_HRBP)


def hrbp_user_ids_by_department(*, department_ids: Iterable) -> dict[object, list[int]]:
    """For each department (of the tenant in context), the ids of the active HRBPs who
    cover it: tenant-wide ones and those of the department or one above it (what the
    `hrbp` recipient name means). Two queries, however many departments."""
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    scopes: dict[int, set] = {}
    for user_id, department_id in Membership.objects.filter(
        role=Role.HRBP, is_active=True
    ).values_list("user_id", "departments"):
        scopes.setdefault(user_id, set()).add(department_id)  # None: tenant-wide
    covering = {}
    for department_id in department_ids:
        chain, current = {None}, department_id
        while current is not None and current not in chain:
            chain.add(current)
            current = parents.get(current)
        covering[department_id] = [user for user, scope in scopes.items() if scope & chain]
    return covering


def user_ids_with_capability(capability, *, user_ids: Iterable[int]) -> set[int]:
    """Those of `user_ids` whose role in the tenant in context holds `capability`
    (tenants/permissions.py): one query."""
    user_ids = set(user_ids)
    if not user_ids:
        return set()
    return {
        user_id
        for user_id, role in Membership.objects.filter(
            user_id__in=user_ids, is_active=True
        ).values_list("user_id", "role")
        if role_may(role, capability)
    }


def requisition_recipients_resolver(
    *, requisitions: Iterable, recipient_lists: Iterable[Iterable[str]]
) -> Callable[[Any, Iterable[str]], list[int]]:
    """For a batch (of the tenant in context): `user_ids(requisition, recipients)`, the
    users behind recipient names on one of these requisitions. The HRBPs of all their
    departments are read once (two queries), and only if some list names them."""
    hrbps: dict = {}
    if any(RECIPIENT_HRBP in names for names in recipient_lists):
        hrbps = hrbp_user_ids_by_department(department_ids={r.department_id for r in requisitions})

    def user_ids(requisition, recipients: Iterable[str]) -> list[int]:
        return requisition_recipient_user_ids(
            requisition=requisition, recipients=recipients, hrbps_by_department=hrbps
        )

    return user_ids


def requisition_recipient_user_ids(
    *, requisition, recipients: Iterable[str], hrbps_by_department: dict | None = None
) -> list[int]:
    """Ids of the users behind recipient names on one requisition (anything with
    `recruiter_id`, `hiring_manager_id`, `department_id`), each once, in the order
    recruiter, hiring manager, HRBPs. A batch passes `hrbps_by_department` from one
    `hrbp_user_ids_by_department` call for all its departments; without it this
    requisition's department is looked up here."""
    wanted = set(recipients)
    users: list[int] = []
    if RECIPIENT_RECRUITER in wanted and requisition.recruiter_id:
        users.append(requisition.recruiter_id)
    if RECIPIENT_HIRING_MANAGER in wanted and requisition.hiring_manager_id:
        users.append(requisition.hiring_manager_id)
    if RECIPIENT_HRBP in wanted:
        if hrbps_by_department is None:
            hrbps_by_department = hrbp_user_ids_by_department(
                department_ids=[requisition.department_id]
            )
        users += hrbps_by_department.get(requisition.department_id, [])
    return list(dict.fromkeys(users))


def notification_send(
    *,
    application,  # a recruiting Application (this app sits below recruiting)
    recipients: Iterable[str],
    kind: str,
    title: str,
    body: str = "",
    link: str = "",
    restricted_body: str | None = None,
) -> list[Notification]:
    """Notify the people behind `recipients` about `application`: one in-app notification
    each, and one email each (after commit, through Django's email backend) to those with
    an address. Nobody to notify is not an error: it returns []. With `restricted_body`
    (the body concerns a sensitive milestone), a recipient whose role lacks
    `view_sensitive` gets that instead (one more query)."""
    user_ids = requisition_recipient_user_ids(
        requisition=application.requisition, recipients=recipients
    )
    return notification_send_to_users(
        tenant_id=application.tenant_id,
        user_ids=user_ids,
        kind=kind,
        title=title,
        body=body,
        application=application,
        link=link or f"/applications/{application.pk}/",
        restricted_body=restricted_body,
    )


def notification_send_to_users(
    *,
    tenant_id,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    application=None,
    link: str = "",
    restricted_body: str | None = None,
) -> list[Notification]:
    """`notification_send` for people already chosen by id (an approval step's approvers):
    one in-app notification each, one email each after commit to those with an address;
    `restricted_body` as `notification_send` says."""
    user_ids = list(dict.fromkeys(user_ids))
    if not user_ids:
        return []
    found = get_user_model().objects.in_bulk(user_ids)
    users = [found[pk] for pk in user_ids if pk in found]
    may_see = (
        user_ids_with_capability(Capability.VIEW_SENSITIVE, user_ids=user_ids)
        if restricted_body is not None
        else None
    )
    notifications = Notification.objects.bulk_create(
        notification_rows_for_users(
            tenant_id=tenant_id,
            users=users,
            kind=kind,
            title=title,
            body=lambda user: body if may_see is None or user.pk in may_see else restricted_body,
            application=application,
            link=link,
        )
    )
    _email_after_commit([n.pk for n in notifications if n.recipient.email])
    return notifications


def notification_rows_for_users(
    *, tenant_id, users: Iterable, kind: str, title: str, body, application=None, link: str = ""
) -> list[Notification]:
    """The unsaved in-app notifications of `users` (user rows already read), one each;
    `body` is a text or a function of the user; `application` an Application or its id. A
    caller that writes them itself (in its own statement) queues their email with
    `notification_emails_after_commit`."""
    about = (
        {"application_id": application}
        if application is None or isinstance(application, uuid.UUID | str)
        else {"application": application}
    )
    return [
        Notification(
            tenant_id=tenant_id,
            recipient=user,
            kind=kind,
            title=title[:300],
            body=body(user) if callable(body) else body,
            link=link,
            **about,
        )
        for user in users
    ]


def notification_emails_after_commit(notifications: Iterable[Notification]) -> None:
    """Queue the email of notifications written by their caller, once they commit (to the
    recipients with an address)."""
    _email_after_commit([n.pk for n in notifications if n.recipient.email])


def _email_after_commit(notification_ids: list) -> None:
    """Queue the email of these notifications once they commit. Mail leaves the process on
    the worker (`notifications_email_task`, retried), never in a request or in the sweep."""
    if not notification_ids:
        return
    ids = [str(pk) for pk in notification_ids]
    transaction.on_commit(lambda: _queue_email(ids))


def _queue_email(ids: list[str]) -> None:
    try:
        notifications_email_task.delay(ids)
    except Exception:  # the broker is down; what wrote them has committed and stands
        logger.warning(
            "could not queue the email of %d notifications; the mail catch-up sends them",
            len(ids),
            exc_info=True,
        )


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


class NotificationRow(NamedTuple):
    """One in-app notification to insert (ids as uuids or their text). A digest names
    its applications in `application_ids` instead of `application_id`."""

    tenant_id: object
    recipient_id: int
    kind: str
    title: str
    body: str
    application_id: object = None
    application_ids: list | None = None


def notification_rows(
    told: Mapping[tuple, list],
    *,
    kind: str,
    application_of: Callable[[Any], object],
    single: Callable[[Any, Any], tuple[str, str]],
    digest: Callable[[Any, list], tuple[str, str]],
) -> list[NotificationRow]:
    """One notification per person and topic, for a batch. `told` maps (tenant_id,
    user_id, topic) to the things (stays, firings) that person is told of under the topic.
    One thing makes a notification about its application, worded by `single(topic, it)`;
    several make one digest naming all their applications, worded by `digest(topic,
    them)`: a sweep after an outage would otherwise send one person hundreds of
    notifications and mails at once."""
    rows = []
    for (tenant_id, user_id, topic), things in told.items():
        if len(things) == 1:
            title, body = single(topic, things[0])
            application, digested = application_of(things[0]), None
        else:
            title, body = digest(topic, things)
            application, digested = None, [application_of(thing) for thing in things]
        rows.append(NotificationRow(tenant_id, user_id, kind, title, body, application, digested))
    return rows


_INSERT_NOTIFICATIONS = f"""
INSERT INTO {Notification._meta.db_table}
    (id, tenant_id, created_at, updated_at, recipient_id, kind, title, body, application_id,
     application_ids, link)
SELECT v.id, v.tenant_id, %s, %s, v.recipient_id, v.kind, v.title, v.body, v.application_id,
       coalesce(v.application_ids, '{{}}'),
       coalesce(v.link, '/applications/' || v.application_id || '/', '')
FROM (
    SELECT coalesce(v.id, gen_random_uuid()) AS id, v.tenant_id, v.recipient_id, v.kind,
           v.title, v.body, v.application_id, v.application_ids, v.link
    FROM jsonb_to_recordset(%s::jsonb) AS v(id uuid, tenant_id uuid, recipient_id int,
        kind text, title text, body text, application_id uuid, application_ids uuid[],
        link text)
) v
RETURNING id::text
"""  # noqa: S608 -- the table name is the model's, values are parameters


def notifications_create_many(*, rows: list[NotificationRow]) -> list[str]:
    """What `notification_send` does, for a whole sweep batch whose recipients are already
    resolved: one INSERT for every in-app notification, one email batch after commit;
    the new ids. Plain rows in, no model instances: a sweep escalates thousands at a time.
    A digest links to its own page, which lists its applications."""
    if not rows:
        return []
    now = timezone.now()
    document = []
    for r in rows:
        item = {
            "tenant_id": r.tenant_id,
            "recipient_id": r.recipient_id,
            "kind": r.kind,
            "title": r.title[:300],
            "body": r.body,
            "application_id": r.application_id,
        }
        if r.application_ids:
            pk = uuid.uuid4()
            item.update(
                id=pk,
                application_ids=r.application_ids,
                link=reverse("reporting:notification-detail", args=[pk]),
            )
        document.append(item)
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_NOTIFICATIONS, [now, now, json_param(document)])
        ids = [pk for (pk,) in cursor.fetchall()]
    _email_after_commit(ids)  # the task skips recipients without an address
    return ids
