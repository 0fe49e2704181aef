"""Workflow editor page section for the sandbox: a scenario in JSON, a Run button, the
steps the version's rules would take, and the version's recent runs, each of which opens
again (templates/milestones/_sandbox.html).

A run writes only its SandboxRun (milestones/services/sandbox.py); the page is rendered
again with the steps below the scenario, so nothing is read twice.
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponseRedirect
from django.urls import reverse

from ats_milestones.errors import DomainError
from milestones.models import SandboxRun
from milestones.services.sandbox.runs import sandbox_run
from milestones.web import selectors as page_selectors
from milestones.web.versions import VersionActionView, VersionDetailView
from tenants.access import access_denied_on_page


class SandboxRunView(VersionActionView):
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
            run = sandbox_run(version=version, scenario=scenario, actor=self.actor)
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
