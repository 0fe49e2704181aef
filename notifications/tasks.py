"""Celery tasks of notifications: mail leaves the process here, on the worker."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from notifications.mail import notifications_email, notifications_email_catch_up


@shared_task(
    name="notifications.tasks.notifications_email_task",
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
    ignore_result=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def notifications_email_task(notification_ids: list[str]) -> int:
    """Email notifications once they are committed (queued by `notification_send` and the
    sweep). Cross-tenant by primary key, so no tenant_id; safe to run twice: only what is
    not yet marked `emailed_at` is sent."""
    return notifications_email(notification_ids=notification_ids)


@shared_task(
    name="notifications.tasks.notifications_email_catch_up_task",
    time_limit=600,
    soft_time_limit=540,
    ignore_result=True,
)
def notifications_email_catch_up_task() -> int:
    """Beat, every few minutes: mail the notifications whose email was never queued."""
    return notifications_email_catch_up()
