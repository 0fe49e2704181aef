"""The pure timer arithmetic: business time, escalation levels due, deadline firing times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from milestones.core.timers import (
    BusinessCalendar,
    EscalationLevel,
    business_time_add,
    deadline_fires_at,
    escalation_levels_due,
    first_escalation_after,
)

NINE_TO_FIVE = BusinessCalendar()  # UTC, Mon-Fri 09:00-17:00
H = timedelta(hours=1)


def at(day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A moment in November 2026 (the 2nd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_business_hours_inside_one_day_add_like_clock_hours():
    assert business_time_add(at(2, 10), 3 * H, NINE_TO_FIVE) == at(2, 13)


def test_business_hours_carry_over_to_the_next_morning():
    assert business_time_add(at(2, 15), 4 * H, NINE_TO_FIVE) == at(3, 11)


def test_a_start_before_opening_counts_from_opening():
    assert business_time_add(at(2, 6), 2 * H, NINE_TO_FIVE) == at(2, 11)


def test_a_weekend_does_not_count():
    # Friday 16:00 + 2 business hours = Monday 10:00.
    assert business_time_add(at(6, 16), 2 * H, NINE_TO_FIVE) == at(9, 10)


def test_a_start_on_saturday_counts_from_monday_morning():
    assert business_time_add(at(7, 12), 1 * H, NINE_TO_FIVE) == at(9, 10)


def test_a_holiday_does_not_count():
    calendar = BusinessCalendar(holidays=frozenset({date(2026, 11, 3)}))
    assert business_time_add(at(2, 16), 2 * H, calendar) == at(4, 10)


def test_forty_eight_business_hours_are_six_working_days():
    assert business_time_add(at(2, 9), 48 * H, NINE_TO_FIVE) == at(9, 17)


def test_business_hours_follow_the_business_timezone():
    # 09:00-17:00 in New York is 14:00-22:00 UTC in November (EST, UTC-5).
    calendar = BusinessCalendar(timezone="America/New_York")
    assert business_time_add(at(2, 12), 1 * H, calendar) == at(2, 15)


def test_a_dst_change_does_not_shift_business_hours():
    # 1 November 2026 is the end of DST in New York; on Friday 30 October 09:00 EDT = 13:00 UTC.
    calendar = BusinessCalendar(timezone="America/New_York")
    friday = datetime(2026, 10, 30, 13, tzinfo=UTC)
    assert business_time_add(friday, 9 * H, calendar) == at(2, 15)


def test_custom_weekdays_and_hours():
    calendar = BusinessCalendar(
        day_start=time(8), day_end=time(12), weekdays=frozenset({6, 7})
    )  # weekends only, mornings
    assert business_time_add(at(2, 9), 5 * H, calendar) == at(8, 9)


def test_a_calendar_without_working_hours_is_refused():
    with pytest.raises(ValueError):
        business_time_add(at(2), H, BusinessCalendar(weekdays=frozenset()))


LEVELS = (
    EscalationLevel(level=1, after=48 * H, notify=("recruiter",)),
    EscalationLevel(level=2, after=96 * H, notify=("hiring_manager",)),
    EscalationLevel(level=3, after=120 * H, notify=("hrbp",), mark_overdue=True),
)


def test_no_level_is_due_before_the_first():
    plan = escalation_levels_due(at(2), 0, LEVELS, at(3, 23), NINE_TO_FIVE)
    assert plan.due == () and plan.next_at == at(4)


def test_the_first_level_is_due_after_its_time_and_the_second_is_next():
    plan = escalation_levels_due(at(2), 0, LEVELS, at(4, 1), NINE_TO_FIVE)
    assert [lv.level for lv in plan.due] == [1]
    assert plan.new_level == 1 and plan.next_at == at(6) and not plan.marks_overdue


def test_an_applied_level_is_not_due_again():
    plan = escalation_levels_due(at(2), 1, LEVELS, at(4, 1), NINE_TO_FIVE)
    assert plan.due == () and plan.next_at == at(6)


def test_levels_missed_while_the_sweep_was_down_are_all_due_at_once():
    plan = escalation_levels_due(at(2), 0, LEVELS, at(20), NINE_TO_FIVE)
    assert [lv.level for lv in plan.due] == [1, 2, 3]
    assert plan.due_at == (at(4), at(6), at(7))  # when each fell due, for the sandbox
    assert plan.marks_overdue and plan.next_at is None


def test_a_business_hours_level_counts_business_time():
    levels = (EscalationLevel(level=1, after=8 * H, business_hours=True),)
    # Friday 13:00 + 8 business hours = Monday 13:00, not Friday 21:00.
    plan = escalation_levels_due(at(6, 13), 0, levels, at(6, 22), NINE_TO_FIVE)
    assert plan.due == () and plan.next_at == at(9, 13)


def test_first_escalation_after_is_the_smallest_after():
    assert first_escalation_after(LEVELS) == 48 * H
    assert first_escalation_after(()) is None


def test_a_deadline_fires_at_the_date_plus_its_offset():
    assert deadline_fires_at(at(10, 12), -2 * timedelta(days=1)) == at(8, 12)
    assert deadline_fires_at(at(10, 12), timedelta(0)) == at(10, 12)
