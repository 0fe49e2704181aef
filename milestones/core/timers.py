"""The pure arithmetic of timers: business time, escalation levels due, deadline firings.

No ORM, no clock: the sweep, the services and the sandbox pass everything in. Times are
timezone-aware datetimes; business time is counted in the tenant's business timezone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from operator import attrgetter
from zoneinfo import ZoneInfo

# A calendar with no business day at all would never reach a moment; stop looking after this.
_MAX_DAYS = 366 * 5


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """When business hours count: [day_start, day_end) on `weekdays` (ISO, 1 = Monday) in
    `timezone`, except on `holidays`."""

    timezone: str = "UTC"
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    weekdays: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    holidays: frozenset[date] = field(default_factory=frozenset)

    def is_business_day(self, day: date) -> bool:
        return day.isoweekday() in self.weekdays and day not in self.holidays


def business_time_add(start: datetime, amount: timedelta, calendar: BusinessCalendar) -> datetime:
    """The moment `amount` of business time after `start`: only the hours inside the
    calendar's working windows count. Zero business time from outside a window is the
    start itself. Raises ValueError when the calendar has no working time to count."""
    if amount <= timedelta(0):
        return start
    if calendar.day_end <= calendar.day_start or not calendar.weekdays:
        raise ValueError("the business calendar has no working hours")
    zone = ZoneInfo(calendar.timezone)
    utc = start.tzinfo
    remaining = amount
    cursor = start
    day = start.astimezone(zone).date()
    for _ in range(_MAX_DAYS):
        if calendar.is_business_day(day):
            # Aware local times converted to UTC, so DST days are as long as they really are.
            opens = datetime.combine(day, calendar.day_start, tzinfo=zone).astimezone(utc)
            closes = datetime.combine(day, calendar.day_end, tzinfo=zone).astimezone(utc)
            begin = max(cursor, opens)
            if begin < closes:
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValueError("no business time within five years; check weekdays and holidays")


@dataclass(frozen=True, slots=True)
class EscalationLevel:
    """What the arithmetic needs of an escalation rule."""

    level: int
    after: timedelta
    business_hours: bool = False
    notify: tuple[str, ...] = ()
    mark_overdue: bool = False


def escalation_level_at(
    entered_at: datetime, level: EscalationLevel, calendar: BusinessCalendar
) -> datetime:
    """When `level` falls due for a stay that began at `entered_at`."""
    if level.business_hours:
        return business_time_add(entered_at, level.after, calendar)
    return entered_at + level.after


@dataclass(frozen=True, slots=True)
class EscalationPlan:
    """The levels to apply now (in level order), the moment each fell due, and when the
    next one falls due."""

    due: tuple[EscalationLevel, ...]
    next_at: datetime | None
    due_at: tuple[datetime, ...] = ()

    @property
    def new_level(self) -> int | None:
        return self.due[-1].level if self.due else None

    @property
    def marks_overdue(self) -> bool:
        return any(level.mark_overdue for level in self.due)


_BY_LEVEL = attrgetter("level")


def escalation_levels_due(
    entered_at: datetime,
    current_level: int,
    rules: Iterable[EscalationLevel],
    now: datetime,
    calendar: BusinessCalendar,
) -> EscalationPlan:
    """Levels above `current_level` whose moment has come by `now`, and the moment of the
    first level after them. A level is applied at most once per stay: once a higher level
    has been applied, a lower one still to come is passed over."""
    timed = [
        (rule, escalation_level_at(entered_at, rule, calendar))
        for rule in sorted(rules, key=_BY_LEVEL)
    ]
    due = [(rule, at) for rule, at in timed if rule.level > current_level and at <= now]
    reached = due[-1][0].level if due else current_level
    later = [at for rule, at in timed if rule.level > reached]
    return EscalationPlan(
        due=tuple(rule for rule, _ in due),
        next_at=min(later) if later else None,
        due_at=tuple(at for _, at in due),
    )


def first_escalation_after(rules: Iterable[EscalationLevel]) -> timedelta | None:
    """The smallest `after` of a milestone's levels: a lower bound of the first level's
    moment (calendar time never runs slower than business time)."""
    afters = [rule.after for rule in rules]
    return min(afters) if afters else None


def deadline_fires_at(at: datetime, offset: timedelta) -> datetime:
    """When a deadline rule fires for a date: the date plus its offset (negative = before)."""
    return at + offset
