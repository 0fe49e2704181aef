"""Forms of the workflow editor: they parse input; the framework services decide."""

from __future__ import annotations

import json
from datetime import timedelta

from django import forms

from ats_milestones.errors import DomainError
from milestones.models import (
    AlertRecipient,
    AutomationRuleKind,
    DeadlineAction,
    MilestoneKind,
    TerminalKind,
)
from milestones.services.sandbox.publish_preview import (
    HORIZON_DAYS,
    HORIZON_DEFAULT,
)
from milestones.services.versions.escalations import MAX_LEVEL
from recruiting.models import HireType
from tenants.models import Role

# Service field names that a form shows under another name.
SERVICE_FIELD_TO_FORM_FIELD = {
    "requisition_type_ids": "requisition_types",
    "department_ids": "departments",
    "sla": "sla_hours",
}


def form_add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service refusal next to the fields it names, and its message at the top."""
    form.add_error(None, exc.message)
    for name, messages in exc.fields.items():
        field = SERVICE_FIELD_TO_FORM_FIELD.get(name, name)
        for message in messages if isinstance(messages, list) else [messages]:
            if field in form.fields:
                form.add_error(field, str(message))
            else:
                form.add_error(None, f"{name}: {message}")


class FrameworkCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    requisition_types = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, requisition_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requisition_types"].queryset = requisition_types


class MilestoneDefinitionForm(forms.Form):
    code = forms.CharField(max_length=64, help_text="Follows the tenant's naming convention.")
    name = forms.CharField(max_length=200)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(choices=MilestoneKind.choices, initial=MilestoneKind.ACTION_TRIGGERED)
    mandatory = forms.BooleanField(required=False, initial=True)
    sla_hours = forms.IntegerField(required=False, min_value=1, label="SLA (hours)")
    bypass_hire_types = forms.MultipleChoiceField(
        choices=HireType.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    bypass_approver_roles = forms.MultipleChoiceField(
        choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    bypass_reason_required = forms.BooleanField(required=False, initial=True)
    compliance_tags = forms.CharField(
        required=False, help_text="Comma-separated, e.g. EEO, OFCCP", max_length=500
    )
    is_sensitive = forms.BooleanField(required=False, label="Sensitive")
    hris_status = forms.CharField(required=False, max_length=100, label="HRIS status")
    terminal_kind = forms.ChoiceField(choices=TerminalKind.choices, initial=TerminalKind.NONE)

    @classmethod
    def initial_from(cls, definition) -> dict:
        hours = int(definition.sla.total_seconds() // 3600) if definition.sla else None
        return {
            "code": definition.code,
            "name": definition.name,
            "description": definition.description,
            "kind": definition.kind,
            "mandatory": definition.mandatory,
            "sla_hours": hours,
            "bypass_hire_types": definition.bypass_hire_types,
            "bypass_approver_roles": definition.bypass_approver_roles,
            "bypass_reason_required": definition.bypass_reason_required,
            "compliance_tags": ", ".join(definition.compliance_tags),
            "is_sensitive": definition.is_sensitive,
            "hris_status": definition.hris_status,
            "terminal_kind": definition.terminal_kind,
        }

    def service_data(self) -> dict:
        """The cleaned input in the shape milestone_definition_create/update take."""
        data = dict(self.cleaned_data)
        hours = data.pop("sla_hours")
        data["sla"] = timedelta(hours=hours) if hours else None
        data["compliance_tags"] = [
            tag.strip() for tag in data["compliance_tags"].split(",") if tag.strip()
        ]
        return data


class PilotForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments


class AutomationRuleForm(forms.Form):
    """An automation rule; `conditions` is the JSON condition language as text. Prefixed,
    so its inputs never share an id with the milestone form on the same page."""

    prefix = "rule"

    kind = forms.ChoiceField(choices=AutomationRuleKind.choices)
    name = forms.CharField(max_length=200)
    milestone_code = forms.ChoiceField(label="Milestone")
    event_type = forms.CharField(
        max_length=100,
        required=False,
        help_text="The event an auto-advance rule waits for, e.g. assessment.completed.",
    )
    conditions = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
        help_text='JSON, e.g. {"fact": "payload.score", "op": "gte", "value": 70}; '
        "empty means always.",
    )
    alert_recipients = forms.MultipleChoiceField(
        choices=AlertRecipient.choices,
        required=False,
        initial=[AlertRecipient.RECRUITER],
        widget=forms.CheckboxSelectMultiple,
        label="Alert on failure",
    )
    is_enabled = forms.BooleanField(required=False, initial=True, label="Enabled")

    def __init__(self, *args, milestone_codes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone_code"].choices = [(code, code) for code in milestone_codes]

    @classmethod
    def initial_from(cls, rule) -> dict:
        return {
            "kind": rule.kind,
            "name": rule.name,
            "milestone_code": rule.milestone.code,
            "event_type": rule.event_type,
            "conditions": json.dumps(rule.conditions, indent=2) if rule.conditions else "",
            "alert_recipients": rule.alert_recipients,
            "is_enabled": rule.is_enabled,
        }

    def clean_conditions(self):
        return _json_or_empty(self.cleaned_data["conditions"])

    def add_service_error(self, exc: DomainError) -> None:
        """A refusal of the rule service; a condition's path goes next to the textarea."""
        self.add_error(None, exc.message)
        for name, messages in exc.fields.items():
            for message in messages if isinstance(messages, list) else [messages]:
                if name.startswith("conditions"):
                    self.add_error("conditions", f"{name}: {message}")
                elif name in self.fields:
                    self.add_error(name, str(message))
                else:
                    self.add_error(None, f"{name}: {message}")


def _json_or_empty(text: str):
    """A JSON text field's value: {} when blank, else the parsed JSON (a field error if
    it is not JSON)."""
    text = text.strip()
    if not text:
        return {}
    try:
        return json.loads(text)
    except ValueError as exc:
        raise forms.ValidationError(f"not valid JSON: {exc}") from None


def _whole_if_integral(hours: float) -> float | int:
    return int(hours) if float(hours).is_integer() else hours


class PublishPreviewForm(forms.Form):
    """The publish confirmation's preview: how far ahead, and one event for everyone.
    Read from the query string; the bounds are the service's (it names a bad field)."""

    horizon_days = forms.IntegerField(
        label="Days ahead",
        initial=HORIZON_DEFAULT,
        min_value=HORIZON_DAYS[0],
        max_value=HORIZON_DAYS[1],
        required=False,
    )
    event_type = forms.CharField(
        label="Event (optional)",
        max_length=100,
        required=False,
        help_text="Happens to every application, e.g. assessment.completed.",
    )
    payload = forms.CharField(
        label="Event payload (JSON)",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": '{"score": 72}', "class": "wf-code"}),
    )
    after_hours = forms.FloatField(label="Hours after now", min_value=0, required=False, initial=0)

    def clean_payload(self):
        payload = _json_or_empty(self.cleaned_data["payload"])
        if not isinstance(payload, dict):
            raise forms.ValidationError('a JSON object is required, e.g. {"score": 72}')
        return payload

    def preview_arguments(self) -> dict:
        """The service's keyword arguments (call once the form is valid)."""
        data = self.cleaned_data
        events = []
        if data["event_type"]:
            events.append(
                {
                    "type": data["event_type"],
                    "payload": data["payload"],
                    "after_hours": _whole_if_integral(data["after_hours"] or 0),
                }
            )
        return {"horizon_days": data["horizon_days"] or HORIZON_DEFAULT, "events": events}


RECIPIENT_CHOICES = AlertRecipient.choices


# Both forms share the version page with the milestone form: prefixes keep ids unique.
class EscalationLevelForm(forms.Form):
    milestone = forms.ChoiceField()
    level = forms.IntegerField(min_value=1, max_value=MAX_LEVEL, initial=1)
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
