"""Sections of the version page that have their own pages for writes: timers (escalation
levels, deadline rules) and the sandbox. The version page (versions.py) renders them from
here; the section views (timers.py, sandbox.py) build on the version page."""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from milestones.models import DeadlineRule, EscalationRule
from milestones.web import selectors as page_selectors
from milestones.web.forms import DeadlineRuleForm, EscalationLevelForm

#: How many of the version's runs the section lists (the API pages through all of them).
RECENT_RUNS = 10


def example_scenario(rules, deadline_rules) -> dict:
    """A scenario to start from: one referral applicant, the events the version's
    auto-advance rules listen to an hour apart, and its deadline dates three days in."""
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    kinds = sorted({rule.deadline_kind for rule in deadline_rules})
    event_types = [rule.event_type for rule in rules if rule.kind == "auto_advance"]
    return {
        "clock_start": start.isoformat().replace("+00:00", "Z"),
        "clock_end": (start + timedelta(days=7)).isoformat().replace("+00:00", "Z"),
        "applications": [
            {
                "key": "sample-1",
                "hire_type": "standard",
                "source": "referral",
                "facts": {"candidate.email": "sample@example.com"},
                "deadlines": {
                    kind: (start + timedelta(days=3)).isoformat().replace("+00:00", "Z")
                    for kind in kinds
                },
            }
        ],
        "events": [
            {
                "application": "sample-1",
                "event_type": event_type,
                "occurred_at": (start + timedelta(hours=index + 1))
                .isoformat()
                .replace("+00:00", "Z"),
                "payload": {"score": 80},
            }
            for index, event_type in enumerate(dict.fromkeys(event_types))
        ],
    }


def sandbox_context(context: dict, *, scenario_text=None, run=None, error=None):
    """The section's context: the scenario text (the example unless one was sent), the
    run's steps, a refusal to show and the version's recent runs."""
    if scenario_text is None:
        example = example_scenario(context.get("rules", ()), context.get("deadline_rules", ()))
        scenario_text = json.dumps(example, indent=2)
    return {
        "sandbox_scenario": scenario_text,
        "sandbox_run": run,
        "sandbox_steps": (run.result or {}).get("steps", []) if run is not None else None,
        "sandbox_error": error,
        "sandbox_recent_runs": page_selectors.sandbox_run_list_for_editor(
            version=context["version"], limit=RECENT_RUNS
        ),
    }


def timer_context(version) -> dict:
    """What the two sections need, in two queries whatever the number of milestones
    (forms only on drafts)."""
    context = {
        "escalation_rules": list(
            EscalationRule.objects.filter(milestone__version=version)
            .select_related("milestone")
            .order_by("milestone__order", "level")
        ),
        "deadline_rules": list(DeadlineRule.objects.filter(version=version)),
    }
    if version.is_editable:
        context["escalation_form"] = EscalationLevelForm(version=version, prefix="escalation")
        context["deadline_form"] = DeadlineRuleForm(prefix="deadline")
    return context
