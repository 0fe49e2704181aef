"""The tenant's business calendar: working hours and holidays that business-hour timers count."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import transaction

from milestones.core.timers import BusinessCalendar
from milestones.errors import InvalidConfiguration
from milestones.models import (
    Holiday,
    MilestoneSettings,
)
from milestones.selectors import milestone_settings_get
from milestones.services.versions.frameworks import milestone_settings_lock


def business_calendar_of(settings: MilestoneSettings | None, holidays=()) -> BusinessCalendar:
    """The pure calendar of a tenant's settings and holiday dates (defaults when unsaved)."""
    if settings is None:
        return BusinessCalendar(holidays=frozenset(holidays))
    return BusinessCalendar(
        timezone=settings.business_timezone,
        day_start=settings.business_day_start,
        day_end=settings.business_day_end,
        weekdays=frozenset(settings.business_weekdays or ()),
        holidays=frozenset(holidays),
    )


def business_calendar_get() -> BusinessCalendar:
    """The calendar of the tenant in context."""
    return business_calendar_of(
        milestone_settings_get(), Holiday.objects.values_list("date", flat=True)
    )


@transaction.atomic
def business_hours_update(
    *,
    business_timezone: str | None = None,
    business_day_start: datetime.time | None = None,
    business_day_end: datetime.time | None = None,
    business_weekdays: list[int] | None = None,
) -> MilestoneSettings:
    """Set when business hours count for escalation levels that count business hours."""
    settings = milestone_settings_lock()
    errors: dict[str, list[str]] = {}
    if business_timezone is not None:
        try:
            ZoneInfo(business_timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["business_timezone"] = [f"unknown time zone {business_timezone!r}"]
        settings.business_timezone = business_timezone
    if business_day_start is not None:
        settings.business_day_start = business_day_start
    if business_day_end is not None:
        settings.business_day_end = business_day_end
    if settings.business_day_end <= settings.business_day_start:
        errors["business_day_end"] = ["must be after business_day_start"]
    if business_weekdays is not None:
        if not business_weekdays or not set(business_weekdays) <= set(range(1, 8)):
            errors["business_weekdays"] = ["list ISO weekdays 1 (Monday) to 7, at least one"]
        settings.business_weekdays = sorted(set(business_weekdays))
    if errors:
        raise InvalidConfiguration("invalid business hours", fields=errors)
    settings.save()
    return settings


@transaction.atomic
def holiday_create(*, date: datetime.date, name: str) -> Holiday:
    if Holiday.objects.filter(date=date).exists():
        raise InvalidConfiguration(
            f"{date} is already a holiday", fields={"date": ["already a holiday"]}
        )
    return Holiday.objects.create(date=date, name=name)


@transaction.atomic
def holiday_delete(*, holiday: Holiday) -> None:
    holiday.delete()
