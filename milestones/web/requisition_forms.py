"""Filter forms of the browser pages; a bad value is shown, never silently widened."""

from __future__ import annotations

from django import forms

from recruiting.models import ApplicationSource, ApplicationStatus, HireType, RequisitionStatus
from tenants.people import person_name
from tenants.selectors import tenant_user_list

MINE = "me"


class RequisitionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Title")
    status = forms.ChoiceField(required=False, label="Status")
    department = forms.ChoiceField(required=False, label="Department")
    recruiter = forms.ChoiceField(required=False, label="Recruiter")

    def __init__(self, *args, departments, recruiters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *RequisitionStatus.choices]
        self.fields["department"].choices = [("", "Any department"), *departments]
        self.fields["recruiter"].choices = [("", "Any recruiter"), (MINE, "Me"), *recruiters]


class ApplicationFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Candidate")
    status = forms.ChoiceField(required=False, label="Status")
    requisition = forms.ChoiceField(required=False, label="Requisition")
    recruiter = forms.ChoiceField(required=False, label="Recruiter")
    hire_type = forms.ChoiceField(required=False, label="Hire type")
    source = forms.ChoiceField(required=False, label="Source")
    overdue = forms.BooleanField(required=False, label="Overdue only")
    # Set by a drill-down (a board column, a report); shown as a removable chip.
    milestone = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, requisitions, recruiters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *ApplicationStatus.choices]
        self.fields["requisition"].choices = [("", "Any requisition"), *requisitions]
        self.fields["recruiter"].choices = [("", "Any recruiter"), (MINE, "Me"), *recruiters]
        self.fields["hire_type"].choices = [("", "Any hire type"), *HireType.choices]
        self.fields["source"].choices = [("", "Any source"), *ApplicationSource.choices]


def valid_filters(form: forms.Form) -> dict:
    """The fields that are valid (an invalid one shows its error and filters nothing)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


class RequisitionAccessForm(forms.Form):
    """One change to who sees a confidential requisition (the requisition page's admin box)."""

    GRANT, REVOKE, CONFIDENTIAL = "grant", "revoke", "confidential"

    change = forms.ChoiceField(
        choices=[(GRANT, "Grant access"), (REVOKE, "Revoke access"), (CONFIDENTIAL, "Confidential")]
    )
    user = forms.ModelChoiceField(queryset=None, required=False, label="Person")
    confidential = forms.BooleanField(required=False, label="Confidential")

    def __init__(self, *args, tenant_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = tenant_user_list(tenant_id=tenant_id).order_by("username")
        self.fields["user"].label_from_instance = person_name

    def clean(self):
        data = super().clean()
        if data.get("change") in (self.GRANT, self.REVOKE) and not data.get("user"):
            self.add_error("user", "Choose a person.")
        return data

    def problem(self) -> str:
        """The first error, said to a person."""
        for field, errors in self.errors.items():
            label = self.fields[field].label if field in self.fields else ""
            return f"{label or 'Change'}: {errors[0]}"
        return "Nothing was changed."
