"""Workflow editor pages for timers: escalation levels per milestone and deadline rules.

Sections of the version page (templates/milestones/_escalations.html, _deadlines.html);
each write is a POST that calls one service and redirects back with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.views import View

from ats_milestones.errors import DomainError
from milestones import services
from milestones.models import DeadlineRule, EscalationRule
from milestones.web.forms import DeadlineRuleForm, EscalationLevelForm
from milestones.web.versions import WorkflowAdminMixin, version_url
from tenants.access import access_denied_on_page


def _refused(request, form_or_exc) -> None:
    """A refusal as a message naming the fields (the services name them)."""
    if isinstance(form_or_exc, DomainError):
        fields = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in form_or_exc.fields.items())
        messages.error(request, f"{form_or_exc.message}" + (f" ({fields})" if fields else ""))
        return
    errors = "; ".join(f"{k}: {', '.join(v)}" for k, v in form_or_exc.errors.items())
    messages.error(request, f"Not saved: {errors}")


def _back(version, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{version_url(version)}#{anchor}")


def _write(request, version, section: str, write, done) -> HttpResponseRedirect:
    """Call one service write and go back to the version page's `section`: on success with
    `done` (text, or a function of what the write returned), on a refusal with why."""
    try:
        written = write()
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, done(written) if callable(done) else done)
    return _back(version, section)


def _invalid(request, version, section: str, form) -> HttpResponseRedirect:
    _refused(request, form)
    return _back(version, section)


class EscalationLevelAddView(WorkflowAdminMixin, View):
    def post(self, request, pk):
        version = self.get_version(pk)
        form = EscalationLevelForm(request.POST, version=version, prefix="escalation")
        if not form.is_valid():
            return _invalid(request, version, "escalations", form)
        milestone = self.get_definition(version, form.cleaned_data["milestone"])
        return _write(
            request,
            version,
            "escalations",
            lambda: services.escalation_rule_create(milestone=milestone, **form.service_data()),
            f"Escalation level added to {milestone.code}.",
        )


class EscalationLevelDeleteView(WorkflowAdminMixin, View):
    def post(self, request, pk, rule_pk):
        version = self.get_version(pk)
        rule = EscalationRule.objects.filter(pk=rule_pk, milestone__version=version).first()
        if rule is None:
            access_denied_on_page(request, model=EscalationRule, object_id=rule_pk)
            raise Http404("No such escalation level.")
        return _write(
            request,
            version,
            "escalations",
            lambda: services.escalation_rule_delete(rule=rule),
            "Escalation level removed.",
        )


class DeadlineRuleAddView(WorkflowAdminMixin, View):
    def post(self, request, pk):
        version = self.get_version(pk)
        form = DeadlineRuleForm(request.POST, prefix="deadline")
        if not form.is_valid():
            return _invalid(request, version, "deadlines", form)
        return _write(
            request,
            version,
            "deadlines",
            lambda: services.deadline_rule_create(version=version, **form.service_data()),
            lambda rule: f"Deadline rule {rule.name} added.",
        )


class DeadlineRuleDeleteView(WorkflowAdminMixin, View):
    def post(self, request, pk, rule_pk):
        version = self.get_version(pk)
        rule = DeadlineRule.objects.filter(pk=rule_pk, version=version).first()
        if rule is None:
            access_denied_on_page(request, model=DeadlineRule, object_id=rule_pk)
            raise Http404("No such deadline rule.")
        return _write(
            request,
            version,
            "deadlines",
            lambda: services.deadline_rule_delete(rule=rule),
            "Deadline rule removed.",
        )
