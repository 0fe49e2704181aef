"""Before publishing: how would the applications in flight behave on the new version?

Publishing never moves an application: requisitions stay pinned to their version. The
preview answers the admin's question anyway: if the applications now in flight on the
version being replaced were on the new one, what would happen differently over the next
`horizon_days`, and what would differ for a new application like each of them? Each is
simulated by `milestones.core.simulation.simulate` under both versions on the same clock with
the same events, and `milestones.sandbox_diff.diff_steps` compares the two step lists.

It reads only: nothing is written, nobody is notified (the sandbox's rule).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from milestones.core import engine
from milestones.core.diff import diff_steps
from milestones.core.simulation import SimApplication, SimEvent
from milestones.errors import ConfigurationRefused
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import FrameworkVersion, VersionStatus
from milestones.services.sandbox.runs import (
    RealApplication,
    VersionRules,
    invalid_field,
    real_applications,
    sandbox_application_place,
    sandbox_application_read,
    sandbox_version_rules,
    scenario_events,
    scenario_object,
    scenario_text,
)
from milestones.services.timers.calendar import business_calendar_get
from recruiting.models import Application, ApplicationStatus

HORIZON_DAYS = (1, 366)
HORIZON_DEFAULT = 14
LIMIT = (1, 200)
MAX_EVENTS = 20


def _whole_number(value: Any, field: str, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise invalid_field(field, f"a whole number from {low} to {high} is required")
    return value


def _preview_events(items: Any, horizon_days: int) -> list[dict]:
    """`[{type, payload, after_hours}]`: each happens to every application, `after_hours`
    after the preview's start (0 by default, at most the horizon)."""
    if items is None:
        return []
    events = []
    items = scenario_events(items, MAX_EVENTS)
    for index, item in enumerate(items):
        field = f"events[{index}]"
        data = scenario_object(item, field)
        after = data.get("after_hours", 0)
        if (
            isinstance(after, bool)
            or not isinstance(after, int | float)
            or not 0 <= after <= horizon_days * 24
        ):
            raise invalid_field(
                f"{field}.after_hours", f"a number of hours from 0 to {horizon_days * 24}"
            )
        events.append(
            {
                "type": scenario_text(data.get("type"), f"{field}.type").strip(),
                "payload": scenario_object(
                    {} if data.get("payload") is None else data["payload"], f"{field}.payload"
                ),
                "after_hours": after,
            }
        )
    return events


def _sim_events(events: list[dict], key: str, start: datetime) -> list[SimEvent]:
    return [
        SimEvent(
            application=key,
            event_type=event["type"],
            occurred_at=start + timedelta(hours=event["after_hours"]),
            payload=event["payload"],
        )
        for event in events
    ]


def _as_new(app: SimApplication, definitions, start: datetime) -> SimApplication:
    """A new application like `app`: same facts, at the version's first milestone, now."""
    first = {definitions[0].code: engine.ACTIVE}
    progress = tuple(
        engine.Progress(p.rule, first.get(p.rule.code, engine.PENDING)) for p in app.view.progress
    )
    return replace(
        app,
        view=replace(app.view, status=engine.APPLICATION_ACTIVE, progress=progress),
        entered_at=start,
        escalation_level=0,
        facts={**app.facts, "events_seen": []},
        deadlines={},
        events_seen=(),
        started=False,
    )


def _compare(
    real: RealApplication,
    old: VersionRules,
    new: VersionRules,
    events: list[dict],
    start: datetime,
    end: datetime,
    calendar,
) -> tuple[list[dict], list[dict]]:
    """The differences in flight, and as a new application like this one."""
    key = str(real.application.pk)
    sim_events = _sim_events(events, key, start)
    answers = []
    for fresh in (False, True):
        steps = []
        for setup in (old, new):
            app = sandbox_application_place(
                real=real, definitions=setup.definitions, start=start, key=key
            )
            if fresh:
                app = _as_new(app, setup.definitions, start)
            steps.append(
                setup.simulate(
                    applications=[app], events=sim_events, start=start, end=end, calendar=calendar
                )
            )
        answers.append(diff_steps(*steps))
    return answers[0], answers[1]


def _version(version: FrameworkVersion | None) -> dict | None:
    if version is None:
        return None
    return {"id": str(version.pk), "number": version.number, "status": version.status}


def framework_version_publish_preview(
    *,
    version: FrameworkVersion,
    now: datetime,
    horizon_days: Any = HORIZON_DEFAULT,
    events: Any = None,
    limit: Any = 50,
) -> dict:
    """How the in-flight applications of the version `version` would replace (its
    framework's active one) would behave differently on `version`, from `now` for
    `horizon_days`, with `events` happening to each. Only a draft or a pilot can be
    previewed (ConfigurationRefused otherwise); bad input is InvalidScenario naming the
    field. The most recently updated `limit` applications are compared; reads only."""
    if not version.is_publishable:
        raise ConfigurationRefused(
            f"a {version.status} version is not about to be published: nothing to preview",
            code=Code.INVALID_STATUS_CHANGE,
        )
    horizon_days = _whole_number(horizon_days, "horizon_days", HORIZON_DAYS)
    limit = _whole_number(limit, "limit", LIMIT)
    events = _preview_events(events, horizon_days)
    start, end = now, now + timedelta(days=horizon_days)
    current = (
        FrameworkVersion.objects.filter(framework_id=version.framework_id)
        .filter(status=VersionStatus.ACTIVE)
        .exclude(pk=version.pk)
        .first()
    )
    preview: dict[str, Any] = {
        "version": _version(version),
        "replaces": _version(current),
        "horizon_days": horizon_days,
        "clock_start": start.isoformat(),
        "clock_end": end.isoformat(),
        "events": events,
        "limit": limit,
        "note": "",
        "summary": {
            "in_flight": 0,
            "compared": 0,
            "changed": 0,
            "unchanged": 0,
            "changed_as_new": 0,
            "could_not_map": 0,
            "not_compared": 0,
        },
        "applications": [],
        "could_not_map": [],
    }
    new = sandbox_version_rules(version=version)
    if not new.definitions:
        raise invalid_field("version", "the version has no milestones to compare")
    if current is None:
        preview["note"] = (
            "The framework has no active version: no application is in flight on the "
            "version this one would replace, so there is nothing to compare."
        )
        return preview
    old = sandbox_version_rules(version=current)
    in_flight = Application.objects.filter(
        requisition__framework_version=current, status=ApplicationStatus.ACTIVE
    )
    summary = preview["summary"]
    summary["in_flight"] = in_flight.count()
    chosen = list(real_applications(in_flight.order_by("-updated_at", "pk")[:limit]))
    summary["not_compared"] = summary["in_flight"] - len(chosen)
    new_codes = {definition.code for definition in new.definitions}
    calendar = business_calendar_get()
    for application in chosen:
        real = sandbox_application_read(application=application)
        active = real.active_row
        who = {
            "application_id": str(application.pk),
            "candidate": str(application.candidate),
            "current_milestone": (
                {"code": active.milestone.code, "name": active.milestone.name} if active else None
            ),
        }
        if active is None or active.milestone.code not in new_codes:
            reason = (
                "it has no active milestone"
                if active is None
                else f"its current milestone {active.milestone.code} is not in version "
                f"{version.number}"
            )
            preview["could_not_map"].append({**who, "reason": reason})
            continue
        in_flight_diff, as_new_diff = _compare(real, old, new, events, start, end, calendar)
        summary["compared"] += 1
        summary["changed" if in_flight_diff else "unchanged"] += 1
        summary["changed_as_new"] += bool(as_new_diff)
        if in_flight_diff or as_new_diff:
            preview["applications"].append(
                {**who, "differences": in_flight_diff, "as_new_differences": as_new_diff}
            )
    summary["could_not_map"] = len(preview["could_not_map"])
    return preview
