"""The sandbox: run a version's rules (a draft's too) on a scenario and keep the result.

An admin describes applications (hypothetical ones, or real ones of the tenant by id),
a sequence of events and a simulated clock; `milestones.core.simulation.simulate` says what the
version's automation rules, escalation levels and deadline rules would do. The run is
the only row written: nothing moves, nobody is notified, no failure or audit is recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from milestones.core import engine
from milestones.core.simulation import SimApplication, SimDeadlineRule, SimEvent, simulate
from milestones.errors import InvalidScenario, UnknownApplicationReference
from milestones.models import (
    ApplicationEvent,
    ApplicationMilestone,
    AutomationRule,
    DeadlineRule,
    EscalationRule,
    FrameworkVersion,
    MilestoneDefinition,
    SandboxRun,
)
from milestones.services.automation.events import (
    APPLICATION_FACT_RELATED,
    application_rule_facts,
    automation_rule_view,
)
from milestones.services.timers.calendar import business_calendar_get
from milestones.services.transitions.facts import (
    application_fact_extras,
    application_gate_fields,
)
from milestones.services.transitions.moves import milestone_rule
from milestones.services.versions.escalations import escalation_level_of
from recruiting.models import Application
from tenants.actors import SYSTEM, Actor

MAX_APPLICATIONS = 50
MAX_EVENTS = 1000
MAX_SPAN = timedelta(days=366)


def invalid_field(field: str, message: str) -> InvalidScenario:
    return InvalidScenario(f"{field}: {message}", fields={field: [message]})


def _moment(value: Any, field: str) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise invalid_field(field, "an ISO-8601 date-time is required")
    if timezone.is_naive(parsed):
        raise invalid_field(field, "give a time zone (e.g. 2026-03-02T09:00:00Z)")
    return parsed


def scenario_object(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise invalid_field(field, "an object is required")
    return value


def scenario_events(items: Any, limit: int) -> list:
    """The `events` list of a scenario or preview: a list of at most `limit` items."""
    if not isinstance(items, list):
        raise invalid_field("events", "a list is required")
    if len(items) > limit:
        raise invalid_field("events", f"at most {limit} events")
    return items


def scenario_text(value: Any, field: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise invalid_field(field, "a non-empty string is required")
    return value


def _clock(scenario: dict, now: datetime) -> tuple[datetime, datetime]:
    start = _moment(scenario["clock_start"], "clock_start") if "clock_start" in scenario else now
    if "clock_end" not in scenario:
        raise invalid_field("clock_end", "required: when the simulated clock stops")
    end = _moment(scenario["clock_end"], "clock_end")
    if end < start:
        raise invalid_field("clock_end", "must not be before clock_start")
    if end - start > MAX_SPAN:
        raise invalid_field("clock_end", "a scenario spans at most 366 days")
    return start, end


def _deadlines(value: Any, field: str) -> dict[str, datetime]:
    value = scenario_object(value if value is not None else {}, field)
    return {kind: _moment(at, f"{field}.{kind}") for kind, at in value.items()}


def _progress(definitions, states: dict[str, str]) -> tuple[engine.Progress, ...]:
    return tuple(
        engine.Progress(milestone_rule(definition), states.get(definition.code, engine.PENDING))
        for definition in definitions
    )


def _hypothetical(data: dict, field: str, definitions, start: datetime) -> SimApplication:
    facts = dict(scenario_object(data.get("facts") or {}, f"{field}.facts"))
    hire_type = scenario_text(data.get("hire_type", "standard"), f"{field}.hire_type")
    source = scenario_text(data.get("source"), f"{field}.source", required=False)
    facts.setdefault("application.hire_type", hire_type)
    facts.setdefault("application.source", source or None)
    first = {definitions[0].code: engine.ACTIVE}
    view = engine.ApplicationView(
        status=engine.APPLICATION_ACTIVE,
        hire_type=hire_type,
        progress=_progress(definitions, first),
    )
    return SimApplication(
        key=data["key"],
        view=view,
        entered_at=start,
        facts=facts,
        gate_fields=facts,
        deadlines=_deadlines(data.get("deadlines"), f"{field}.deadlines"),
    )


@dataclass(frozen=True)
class RealApplication:
    """What the database knows of a real application, read once: enough to place it in
    any version by its milestones' codes (`sandbox_application_place`)."""

    application: Application
    rows: list[ApplicationMilestone]
    events_seen: list[str]
    facts: dict[str, Any]
    extra: dict[str, Any]
    deadlines: dict[str, datetime]

    @property
    def active_row(self) -> ApplicationMilestone | None:
        return next((row for row in self.rows if row.state == engine.ACTIVE), None)


def real_applications(queryset):
    """`queryset` of applications with all a simulation reads of each, so that reading
    many (the publish preview) costs the same queries as reading one."""
    return queryset.select_related(*APPLICATION_FACT_RELATED).prefetch_related(
        Prefetch("milestones", ApplicationMilestone.objects.select_related("milestone")),
        Prefetch("events", ApplicationEvent.objects.only("application_id", "event_type")),
        "deadlines",
    )


def sandbox_application_read(*, application: Application) -> RealApplication:
    """What a simulation needs of `application` (loaded through `real_applications`)."""
    rows = list(application.milestones.all())
    events_seen = sorted({event.event_type for event in application.events.all()})
    return RealApplication(
        application=application,
        rows=rows,
        events_seen=events_seen,
        facts=application_rule_facts(application=application, events_seen=events_seen),
        extra=application_fact_extras(application=application, rows=rows),
        deadlines={deadline.kind: deadline.at for deadline in application.deadlines.all()},
    )


def sandbox_application_place(
    *,
    real: RealApplication,
    definitions,
    start: datetime,
    key: str,
    deadlines: dict[str, datetime] | None = None,
) -> SimApplication:
    """`real` placed in a version by its milestones' codes: a code the version lacks is
    dropped, none in common starts it at the first milestone, and the stay (and its
    escalation level) carries over only when its active milestone's code is there."""
    application = real.application
    codes = {definition.code for definition in definitions}
    states = {row.milestone.code: row.state for row in real.rows if row.milestone.code in codes}
    if not states:
        states = {definitions[0].code: engine.ACTIVE}
    active = real.active_row
    entered_at, level = start, 0
    if active is not None and active.milestone.code in codes and active.entered_at:
        entered_at, level = active.entered_at, active.escalation_level
    gates = [gate for definition in definitions for gate in (definition.gate_conditions or [])]
    view = engine.ApplicationView(
        status=application.status,
        hire_type=application.hire_type,
        progress=_progress(definitions, states),
    )
    return SimApplication(
        key=key,
        view=view,
        entered_at=entered_at,
        escalation_level=level,
        facts=real.facts,
        gate_fields=application_gate_fields(application=application, gates=gates),
        gate_extra=real.extra,
        deadlines={**real.deadlines, **(deadlines or {})},
        events_seen=tuple(real.events_seen),
        started=True,
    )


def _real(data: dict, field: str, definitions, start: datetime) -> SimApplication:
    """A real application of the tenant, placed in this version by its milestones' codes."""
    try:
        application_id = uuid.UUID(str(data["application_id"]))
    except ValueError:
        raise invalid_field(f"{field}.application_id", "not a UUID") from None
    application = real_applications(Application.objects.filter(pk=application_id)).first()
    if application is None:
        raise UnknownApplicationReference(
            "no such application in your tenant",
            fields={f"{field}.application_id": ["no such application"]},
        )
    return sandbox_application_place(
        real=sandbox_application_read(application=application),
        definitions=definitions,
        start=start,
        key=scenario_text(data.get("key"), f"{field}.key", required=False) or str(application.pk),
        deadlines=_deadlines(data.get("deadlines"), f"{field}.deadlines"),
    )


def _applications(scenario: dict, definitions, start: datetime) -> list[SimApplication]:
    items = scenario.get("applications")
    if not isinstance(items, list) or not items:
        raise invalid_field("applications", "a non-empty list is required")
    if len(items) > MAX_APPLICATIONS:
        raise invalid_field("applications", f"at most {MAX_APPLICATIONS} applications")
    applications: list[SimApplication] = []
    for index, item in enumerate(items):
        field = f"applications[{index}]"
        data = scenario_object(item, field)
        if data.get("application_id"):
            app = _real(data, field, definitions, start)
        else:
            scenario_text(data.get("key"), f"{field}.key")
            app = _hypothetical(data, field, definitions, start)
        if any(other.key == app.key for other in applications):
            raise invalid_field(f"{field}.key", f"the key {app.key!r} is used twice")
        applications.append(app)
    return applications


def _events(scenario: dict, keys: set[str], start: datetime, end: datetime) -> list[SimEvent]:
    items = scenario_events(scenario.get("events", []), MAX_EVENTS)
    events = []
    for index, item in enumerate(items):
        field = f"events[{index}]"
        data = scenario_object(item, field)
        key = scenario_text(data.get("application"), f"{field}.application")
        if key not in keys:
            raise invalid_field(f"{field}.application", f"no application has the key {key!r}")
        occurred_at = _moment(data.get("occurred_at"), f"{field}.occurred_at")
        if not start <= occurred_at <= end:
            raise invalid_field(f"{field}.occurred_at", "must be between clock_start and clock_end")
        events.append(
            SimEvent(
                application=key,
                event_type=scenario_text(data.get("event_type"), f"{field}.event_type"),
                occurred_at=occurred_at,
                payload=scenario_object(data.get("payload") or {}, f"{field}.payload"),
            )
        )
    return events


def _deadline_rule(rule: DeadlineRule) -> SimDeadlineRule:
    return SimDeadlineRule(
        id=rule.pk,
        name=rule.name,
        deadline_kind=rule.deadline_kind,
        offset=rule.offset,
        action=rule.action,
        move_to_code=rule.move_to_code,
        notify=tuple(rule.notify or ()),
    )


@dataclass(frozen=True)
class VersionRules:
    """A version's milestones and everything `simulate` runs of it, read once."""

    definitions: list[MilestoneDefinition]
    rules: list
    escalation_levels: dict[str, list]
    deadline_rules: list[SimDeadlineRule]

    def simulate(self, *, applications, events, start: datetime, end: datetime, calendar):
        return simulate(
            rules=self.rules,
            escalation_levels=self.escalation_levels,
            deadline_rules=self.deadline_rules,
            applications=applications,
            events=events,
            clock_start=start,
            clock_end=end,
            calendar=calendar,
        )


def sandbox_version_rules(*, version: FrameworkVersion) -> VersionRules:
    """The milestones, automation rules, escalation levels and deadline rules of `version`."""
    rules = AutomationRule.objects.filter(version=version).select_related("milestone")
    levels: dict[str, list] = {}
    escalations = EscalationRule.objects.filter(milestone__version=version).select_related(
        "milestone"
    )
    for rule in escalations:
        levels.setdefault(rule.milestone.code, []).append(escalation_level_of(rule))
    return VersionRules(
        definitions=list(version.milestones.order_by("order")),
        rules=[automation_rule_view(rule) for rule in rules],
        escalation_levels=levels,
        deadline_rules=[_deadline_rule(r) for r in DeadlineRule.objects.filter(version=version)],
    )


def sandbox_simulate(*, version: FrameworkVersion, scenario: Any, now: datetime) -> list[dict]:
    """The steps `scenario` produces under `version`'s rules (reads only)."""
    scenario = scenario_object(scenario, "scenario")
    setup = sandbox_version_rules(version=version)
    if not setup.definitions:
        raise invalid_field("version", "the version has no milestones to simulate")
    start, end = _clock(scenario, now)
    applications = _applications(scenario, setup.definitions, start)
    events = _events(scenario, {app.key for app in applications}, start, end)
    return setup.simulate(
        applications=applications,
        events=events,
        start=start,
        end=end,
        calendar=business_calendar_get(),
    )


@transaction.atomic
def sandbox_run(*, version: FrameworkVersion, scenario: Any, actor: Actor = SYSTEM) -> SandboxRun:
    """Simulate `scenario` against `version` (any status) and keep scenario and steps in
    one SandboxRun: the only row written. Real applications are read, never changed; a
    bad scenario is InvalidScenario (400) naming the field by its path, an application
    outside the tenant UnknownApplicationReference (400 naming it)."""
    now = timezone.now()
    steps = sandbox_simulate(version=version, scenario=scenario, now=now)
    return SandboxRun.objects.create(
        version=version,
        created_by_id=actor.user_id,
        scenario=scenario,
        result={"ran_at": now.isoformat(), "steps": steps},
    )
