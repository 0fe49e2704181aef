"""Workflow editor page section for the sandbox: a scenario in JSON, a Run button, and
the steps the version's rules would take (templates/milestones/_sandbox.html).

A run writes only its SandboxRun (milestones/services/sandbox.py); the page is rendered
again with the steps below the scenario, so nothing is read twice.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.utils import timezone

from ats_milestones.errors import DomainError

from .services.sandbox import sandbox_run
from .views import _VersionActionView


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
    run's steps and a refusal to show."""
    if scenario_text is None:
        example = example_scenario(context.get("rules", ()), context.get("deadline_rules", ()))
        scenario_text = json.dumps(example, indent=2)
    return {
        "sandbox_scenario": scenario_text,
        "sandbox_run": run,
        "sandbox_steps": (run.result or {}).get("steps", []) if run is not None else None,
        "sandbox_error": error,
    }


class SandboxRunView(_VersionActionView):
    """POST a scenario: run it and show the page again with the steps (or the refusal)."""

    def post(self, request, pk):
        version = self.get_version(pk)
        text = request.POST.get("scenario", "")
        try:
            scenario = json.loads(text)
        except ValueError as exc:
            error = DomainError(
                f"The scenario is not JSON: {exc}", fields={"scenario": ["not valid JSON"]}
            )
            return self.render_page(
                version, sandbox={"scenario_text": text, "error": error}, status=400
            )
        try:
            run = sandbox_run(version=version, scenario=scenario, actor_user_id=request.user.pk)
        except DomainError as exc:
            return self.render_page(
                version, sandbox={"scenario_text": text, "error": exc}, status=exc.status
            )
        return self.render_page(version, sandbox={"scenario_text": text, "run": run})
