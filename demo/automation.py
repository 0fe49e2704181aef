"""The demo's automation: rules, escalation levels, deadline rules and a business calendar
on the demo framework's draft, and dates and events on some freshly seeded applications so
that the first sweep has something to do (demo/workflow.py and demo/history.py call
these)."""

from __future__ import annotations

import datetime
from datetime import timedelta

from demo.result import SeedResult
from milestones.models import (
    AlertRecipient,
    AutomationRuleKind,
    DeadlineAction,
    FrameworkVersion,
    Holiday,
    MilestoneSettings,
)
from milestones.services.automation.events import application_event_receive
from milestones.services.timers.calendar import (
    business_hours_update,
    holiday_create,
)
from milestones.services.timers.deadlines import application_deadline_set
from milestones.services.versions.automation_rules import automation_rule_create
from milestones.services.versions.deadlines import deadline_rule_create
from milestones.services.versions.escalations import escalation_rule_create
from tenants.models import Tenant

RECRUITER, HIRING_MANAGER, HRBP = (
    AlertRecipient.RECRUITER,
    AlertRecipient.HIRING_MANAGER,
    AlertRecipient.HRBP,
)
# Automation of the demo version (arguments of automation_rule_create).
AUTOMATION_RULES = [
    {
        "kind": AutomationRuleKind.AUTO_ADVANCE,
        "name": "Advance on a passing assessment",
        "milestone_code": "ASSESSMENT",
        "event_type": "assessment.completed",
        "conditions": {"fact": "payload.score", "op": "gte", "value": 70},
        "alert_recipients": [RECRUITER],
    },
    {
        "kind": AutomationRuleKind.SKIP,
        "name": "No phone screen for referrals and internal transfers",
        "milestone_code": "PHONE_SCREEN",
        "conditions": {
            "fact": "application.source",
            "op": "in",
            "value": ["referral", "internal_transfer"],
        },
        "alert_recipients": [RECRUITER],
    },
]
# Escalation ladders by milestone code (arguments of escalation_rule_create).
ESCALATION_LEVELS = {
    "ASSESSMENT": [
        {"level": 1, "after": timedelta(hours=48), "notify": [RECRUITER]},
        {"level": 2, "after": timedelta(hours=96), "notify": [HIRING_MANAGER]},
        {"level": 3, "after": timedelta(hours=120), "notify": [HRBP], "mark_overdue": True},
    ],
    "INTERVIEW_PANEL": [  # counted in business hours: nights, weekends and holidays pause it
        {"level": 1, "after": timedelta(hours=48), "business_hours": True, "notify": [RECRUITER]},
        {
            "level": 2,
            "after": timedelta(hours=96),
            "business_hours": True,
            "notify": [HIRING_MANAGER, HRBP],
            "mark_overdue": True,
        },
    ],
}
# Deadline rules (arguments of deadline_rule_create). The move from the interview panel
# is refused while the mandatory background check is pending: a failure to look at.
DEADLINE_RULES = [
    {
        "name": "Offer expires in 2 days",
        "deadline_kind": "offer_expires_at",
        "offset": -timedelta(days=2),
        "action": DeadlineAction.REMIND,
        "notify": [RECRUITER, HIRING_MANAGER],
    },
    {
        "name": "Offer expired",
        "deadline_kind": "offer_expires_at",
        "offset": timedelta(0),
        "action": DeadlineAction.ALERT,
        "notify": [RECRUITER, HRBP],
    },
    {
        "name": "Verbal offer accepted",
        "deadline_kind": "verbal_offer_accepted_at",
        "offset": timedelta(0),
        "action": DeadlineAction.MOVE,
        "move_to_code": "OFFER",
        "notify": [RECRUITER],
    },
]
# Which freshly seeded applications get dates, by their current milestone:
# (milestone code, deadline kind, how far from now, how many applications).
DEMO_DEADLINES = [
    ("OFFER", "offer_expires_at", timedelta(days=1), 3),  # reminded on the first sweep
    ("OFFER", "offer_expires_at", -timedelta(hours=6), 1),  # reminded and alerted
    ("OFFER", "offer_expires_at", timedelta(days=10), 2),  # nothing due yet
    ("BACKGROUND_CHECK", "verbal_offer_accepted_at", -timedelta(hours=1), 2),  # moved
    ("INTERVIEW_PANEL", "verbal_offer_accepted_at", -timedelta(hours=1), 2),  # refused
]
DEMO_ASSESSMENT_SCORES = [88, 54]  # one passes (auto-advanced), one stays
# tenant slug -> (business time zone, holidays as (month, day, name))
CALENDARS = {
    "acme": (
        "America/New_York",
        [(1, 1, "New Year's Day"), (7, 4, "Independence Day"), (12, 25, "Christmas Day")],
    ),
    "globex": (
        "Europe/Berlin",
        [(1, 1, "Neujahr"), (10, 3, "Tag der Deutschen Einheit"), (12, 25, "Weihnachtstag")],
    ),
}


def seed_automation(version: FrameworkVersion, result: SeedResult) -> None:
    """Automation rules, escalation levels and deadline rules of the draft demo version,
    written through the design services so they are validated like any admin's."""
    milestones = {m.code: m for m in version.milestones.all()}
    for rule in AUTOMATION_RULES:
        automation_rule_create(version=version, **rule)
    result.count("automation rules", len(AUTOMATION_RULES))
    for code, levels in ESCALATION_LEVELS.items():
        for level in levels:
            escalation_rule_create(milestone=milestones[code], **level)
        result.count("escalation levels", len(levels))
    for rule in DEADLINE_RULES:
        deadline_rule_create(version=version, **rule)
    result.count("deadline rules", len(DEADLINE_RULES))


def seed_calendar(tenant: Tenant, now, result: SeedResult) -> None:
    """Business hours in the tenant's time zone and its public holidays (this year and
    next), which levels counting business hours skip."""
    timezone_name, holidays = CALENDARS[tenant.slug]
    if not MilestoneSettings.objects.exists():
        business_hours_update(
            business_timezone=timezone_name,
            business_day_start=datetime.time(9, 0),
            business_day_end=datetime.time(17, 30),
            business_weekdays=[1, 2, 3, 4, 5],
        )
        result.count("business calendars", 1)
    existing = set(Holiday.objects.values_list("date", flat=True))
    for year in (now.year, now.year + 1):
        for month, day, name in holidays:
            if datetime.date(year, month, day) not in existing:
                holiday_create(date=datetime.date(year, month, day), name=name)
                result.count("holidays", 1)


def seed_automation_activity(applications: list, now, result: SeedResult) -> None:
    """Dates and events on some of the applications seeded just now (so a second run,
    which seeds none, adds none): deadline firings for the sweep, and assessment results
    the auto-advance rule acts on at once."""
    at = {}
    for application in applications:
        at.setdefault(application.current_milestone.code, []).append(application)
    taken: dict[str, int] = {}
    for code, kind, from_now, count in DEMO_DEADLINES:
        start = taken.get(code, 0)
        for application in at.get(code, [])[start : start + count]:
            application_deadline_set(application=application, kind=kind, at=now + from_now)
            result.count("application deadlines", 1)
        taken[code] = start + count
    for application, score in zip(at.get("ASSESSMENT", []), DEMO_ASSESSMENT_SCORES, strict=False):
        application_event_receive(
            application_id=application.pk,
            event_type="assessment.completed",
            occurred_at=now,
            idempotency_id=f"demo-assessment-{application.external_id}",
            payload={"score": score},
        )
        result.count("application events", 1)
