"""Workflow editor pages for timers: escalation levels per milestone and deadline rules.

Sections of the version page (templates/milestones/_escalations.html, _deadlines.html);
each write is a POST that calls one service and redirects back with a message.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.views import View

from ats_milestones.errors import DomainError
from tenants.access import access_denied_on_page

from .models import AlertRecipient, DeadlineAction, DeadlineRule, EscalationRule
from .services import deadlines, escalations
from .views import WorkflowAdminMixin, _version_url

RECIPIENT_CHOICES = AlertRecipient.choices


# Both forms share the version page with the milestone form: prefixes keep ids unique.
class EscalationLevelForm(forms.Form):
    milestone = forms.ChoiceField()
    level = forms.IntegerField(min_value=1, max_value=escalations.MAX_LEVEL, initial=1)
    after_hours = forms.DecimalField(min_value=0, decimal_places=2, label="After (hours)")
    business_hours = forms.BooleanField(required=False, label="Count business hours only")
    notify = forms.MultipleChoiceField(
        choices=RECIPIENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    mark_overdue = forms.BooleanField(required=False, label="Mark the stay overdue")

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        milestones = sorted(version.milestones.all(), key=lambda m: m.order)  # prefetched
        self.fields["milestone"].choices = [(str(m.pk), f"{m.code} · {m.name}") for m in milestones]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "level": data["level"],
            "after": timedelta(hours=float(data["after_hours"])),
            "business_hours": data["business_hours"],
            "notify": data["notify"],
            "mark_overdue": data["mark_overdue"],
        }


class DeadlineRuleForm(forms.Form):
    name = forms.CharField(max_length=200)
    deadline_kind = forms.CharField(max_length=100, initial="offer_expires_at")
    offset_hours = forms.DecimalField(
        decimal_places=2, label="Offset (hours, negative = before the date)", initial=0
    )
    action = forms.ChoiceField(choices=DeadlineAction.choices)
    move_to_code = forms.CharField(max_length=64, required=False, label="Move to (code)")
    notify = forms.MultipleChoiceField(
        choices=RECIPIENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["offset"] = timedelta(hours=float(data.pop("offset_hours")))
        return data


def _refused(request, form_or_exc) -> None:
    """A refusal as a message naming the fields (the services name them)."""
    if isinstance(form_or_exc, DomainError):
        fields = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in form_or_exc.fields.items())
        messages.error(request, f"{form_or_exc.message}" + (f" ({fields})" if fields else ""))
        return
    errors = "; ".join(f"{k}: {', '.join(v)}" for k, v in form_or_exc.errors.items())
    messages.error(request, f"Not saved: {errors}")


def _back(version, anchor: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{_version_url(version)}#{anchor}")


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
            lambda: escalations.escalation_rule_create(milestone=milestone, **form.service_data()),
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
            lambda: escalations.escalation_rule_delete(rule=rule),
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
            lambda: deadlines.deadline_rule_create(version=version, **form.service_data()),
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
            lambda: deadlines.deadline_rule_delete(rule=rule),
            "Deadline rule removed.",
        )


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
