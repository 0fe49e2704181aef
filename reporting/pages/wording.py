"""Words for the times the role homes show, as a person would say them in the tenant's
time zone: "overdue since 03:19", "due in 2 hours", "due at 15:00". Pure."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from milestones.core.wording import duration_words

# Closer than this, "due in 2 hours" says more than the clock time.
SOON = timedelta(hours=3)


def zone_of(name: str | None) -> ZoneInfo:
    """The tenant's business time zone (UTC if unset or unknown)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def zone_words(zone: ZoneInfo) -> str:
    """A time zone as people name it: "New York time", "Auckland time", "UTC"."""
    key = str(zone)
    if "/" not in key:
        return key
    return f"{key.rsplit('/', 1)[1].replace('_', ' ')} time"


def due_words(due_at: datetime, *, now: datetime, zone: ZoneInfo) -> str:
    """When something is due, from `now`: "overdue since 03:19 (2 hours ago)", "due in 45
    minutes", "due at 15:00" (clock times in `zone`)."""
    clock = f"{due_at.astimezone(zone):%H:%M}"
    if due_at <= now:
        late = now - due_at
        if late < timedelta(minutes=1):
            return f"overdue since {clock} (just now)"
        return f"overdue since {clock} ({duration_words(late, parts=1)} ago)"
    if due_at - now < SOON:
        return f"due in {duration_words(due_at - now, parts=1)}"
    return f"due at {clock}"
