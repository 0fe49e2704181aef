"""Timers: the beat sweep (escalations, deadline firings), business calendars, and the
deadlines of one application.

Re-exports the public services of its modules, so callers import from one place."""

from .calendar import (
    business_calendar_get,
    business_calendar_of,
    business_hours_update,
    holiday_create,
    holiday_delete,
)
from .deadlines import (
    application_deadline_clear,
    application_deadline_list,
    application_deadline_set,
)
from .escalation_sweep import (
    escalation_batch,
    tenant_calendar,
)
from .sweep import (
    milestones_sweep,
)

__all__ = [
    "application_deadline_clear",
    "application_deadline_list",
    "application_deadline_set",
    "business_calendar_get",
    "business_calendar_of",
    "business_hours_update",
    "escalation_batch",
    "holiday_create",
    "holiday_delete",
    "milestones_sweep",
    "tenant_calendar",
]
