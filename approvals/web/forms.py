"""The forms of the oversight pages (delegating, and an admin's overrides): Django forms that
parse what was posted (a person of the tenant, a date, a reason) before the same services
decide; an error comes back beside the field it names, with what was typed kept."""

from __future__ import annotations

from django import forms

from approvals.services import APPROVE, DECLINE
from tenants.people import person_name
from tenants.selectors import tenant_user_list


class _PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)


def _person(tenant_id, message: str, *, required: bool = True) -> _PersonField:
    """One of the tenant's people (whether they may approve is the service's to say, in its
    own words)."""
    return _PersonField(
        queryset=tenant_user_list(tenant_id=tenant_id).distinct(),
        required=required,
        error_messages={"required": message, "invalid_choice": message},
    )


def _day(label: str) -> forms.DateField:
    message = f"Give the {label} day as a date."
    return forms.DateField(error_messages={"required": message, "invalid": message})


def _reason(message: str) -> forms.CharField:
    return forms.CharField(max_length=2000, error_messages={"required": message})


class DelegationForm(forms.Form):
    """Delegate approvals for a range of days; `arranges` (an admin) may name whose."""

    note = forms.CharField(required=False, max_length=500)

    def __init__(self, data, *, tenant_id, arranges: bool):
        super().__init__(data)
        self.fields["delegate"] = _person(tenant_id, "Choose the person who decides for you.")
        if arranges:
            self.fields["delegator"] = _person(
                tenant_id, "Choose whose approvals are delegated.", required=False
            )
        self.fields["starts_on"] = _day("first")
        self.fields["ends_on"] = _day("last")


class _OverrideForm(forms.Form):
    """An admin's override of one approver's place (`places`: the assignments it may name,
    each with its `place_key`), with a mandatory reason."""

    approver_message = "Choose an approver of a step still open."

    def __init__(self, data, *, places, tenant_id):
        super().__init__(data)
        self.places = {place.place_key: place for place in places}
        self.fields["approver"] = forms.ChoiceField(
            choices=[(key, key) for key in self.places],
            error_messages={
                "required": self.approver_message,
                "invalid_choice": self.approver_message,
            },
        )
        self.add_fields(tenant_id)
        self.fields["reason"] = _reason("Say why you override this approval.")

    def add_fields(self, tenant_id) -> None:
        pass

    @property
    def place(self):
        return self.places[self.cleaned_data["approver"]]


class ReplaceApproverForm(_OverrideForm):
    def add_fields(self, tenant_id) -> None:
        self.fields["replacement"] = _person(tenant_id, "Choose who approves instead.")


class DecideOnBehalfForm(_OverrideForm):
    approver_message = "Choose an approver of the step that is due."
    comment = forms.CharField(required=False, max_length=2000)

    def add_fields(self, tenant_id) -> None:
        message = "Choose Approve or Decline on their behalf."
        self.fields["decision"] = forms.ChoiceField(
            choices=[(APPROVE, "Approve"), (DECLINE, "Decline")],
            error_messages={"required": message, "invalid_choice": message},
        )


def form_refused(form: forms.Form, *, status: int = 400) -> dict:
    """A form's errors as a page shows a refusal (see `access.refusal_shown`): each beside
    the field it names."""
    fields = {name: list(errors) for name, errors in form.errors.items()}
    return {"message": "Check the fields marked below.", "fields": fields, "status": status}
