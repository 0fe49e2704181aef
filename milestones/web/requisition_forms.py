"""Filter forms of the browser pages; a bad value is shown, never silently widened."""

from __future__ import annotations

from django import forms

from recruiting.models import ApplicationStatus, RequisitionStatus


class RequisitionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Title")
    status = forms.ChoiceField(required=False, label="Status")
    department = forms.ChoiceField(required=False, label="Department")

    def __init__(self, *args, departments: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *RequisitionStatus.choices]
        self.fields["department"].choices = [("", "Any department"), *departments]


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, label="Status")
    requisition = forms.ChoiceField(required=False, label="Requisition")

    def __init__(self, *args, requisitions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *ApplicationStatus.choices]
        self.fields["requisition"].choices = [("", "Any requisition"), *requisitions]
