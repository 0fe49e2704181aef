"""Workflow editor page section for the sandbox: a scenario in JSON, a Run button, the
steps the version's rules would take, and the version's recent runs, each of which opens
again (templates/milestones/_sandbox.html).

A run writes only its SandboxRun (milestones/services/sandbox.py); the page is rendered
again with the steps below the scenario, so nothing is read twice.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from ats_milestones.errors import DomainError
from tenants.access import access_denied_on_page

from . import page_selectors
from .models import SandboxRun
from .services.sandbox import sandbox_run
from .views import VersionDetailView, _VersionActionView

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


class SandboxRunView(_VersionActionView):
    """POST a scenario: run it and go to the run's page (so a reload does not run it
    again), or show the page again with the refusal."""

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
        target = reverse("workflows:sandbox-run-detail", args=[version.pk, run.pk])
        return HttpResponseRedirect(f"{target}#sandbox", status=303)


class SandboxRunDetailView(VersionDetailView):
    """A past run opened again: the version page with its scenario and its steps."""

    http_method_names = ["get", "head", "options"]

    def get(self, request, pk, run_pk):
        version = self.get_version(pk)
        run = page_selectors.sandbox_run_get_for_editor(version=version, run_id=run_pk)
        if run is None:
            access_denied_on_page(request, model=SandboxRun, object_id=run_pk)
            raise Http404("No such sandbox run.")
        scenario_text = json.dumps(run.scenario, indent=2)
        return self.render_page(version, sandbox={"scenario_text": scenario_text, "run": run})
