"""Django admin of scheduled exports and imported activities (the session's tenant)."""

from django import forms
from django.contrib import admin

from reporting.exports.datasets import dataset_list
from reporting.exports.files import directory_problem
from reporting.models import Activity, ScheduledExport
from tenants.admin import TenantAdminMixin


class ScheduledExportForm(forms.ModelForm):
    dataset = forms.ChoiceField(choices=())

    class Meta:
        model = ScheduledExport
        fields = ["name", "dataset", "format", "frequency", "directory", "is_active", "next_run_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.name, d.label) for d in dataset_list()]

    def clean_directory(self):
        directory = self.cleaned_data.get("directory", "")
        problem = directory_problem(directory)
        if problem:
            raise forms.ValidationError(problem)
        return directory


@admin.register(ScheduledExport)
class ScheduledExportAdmin(TenantAdminMixin, admin.ModelAdmin):
    form = ScheduledExportForm
    list_display = ["name", "dataset", "format", "frequency", "is_active", "next_run_at"]
    readonly_fields = ["last_run_at", "last_file", "last_rows", "last_error"]


@admin.register(Activity)
class ActivityAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["application", "kind", "occurred_at", "source", "external_id"]
    list_filter = ["kind", "source"]
    raw_id_fields = ["application"]
