"""Browser pages of exports (capability `export`) and of reconciliation (everyone who
views; the CSV upload for those who manage candidates)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from ats_milestones.errors import DomainError
from milestones.sensitivity import may_see_sensitive
from reporting.exports.access import export_filters_for, export_response
from reporting.exports.datasets import dataset_get, dataset_list
from reporting.models import ActivitySource, ExportFormat
from reporting.reconciliation import selectors as reconciliation
from reporting.reconciliation.services import activities_from_csv, activities_import
from tenants.models import Department
from tenants.permissions import Capability
from tenants.views import TenantPageMixin

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(label="Dataset")
    format = forms.ChoiceField(label="Format", choices=ExportFormat.choices)
    since = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(
        label="Until (not included)", required=False, widget=forms.DateInput({"type": "date"})
    )
    department = forms.ModelMultipleChoiceField(
        label="Departments", queryset=Department.all_tenants.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.name, d.label) for d in dataset_list()]
        self.fields["department"].queryset = Department.objects.order_by("name")

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since >= until:
            self.add_error("until", "Must be after the start.")
        return data


def _midnight(day):
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


class ExportPageView(TenantPageMixin, View):
    read_capability = write_capability = Capability.EXPORT

    def get(self, request):
        form = ExportForm(request.GET or None)
        return render(
            request,
            "reporting/exports.html",
            self.page_context(
                form=form,
                datasets=dataset_list(),
                download_query=request.GET.urlencode() if form.is_bound and form.is_valid() else "",
            ),
        )


class ExportDownloadView(TenantPageMixin, View):
    read_capability = write_capability = Capability.EXPORT

    def get(self, request):
        form = ExportForm(request.GET)
        if not form.is_valid():
            return render(
                request,
                "reporting/exports.html",
                self.page_context(form=form, datasets=dataset_list(), download_query=""),
                status=400,
            )
        data = form.cleaned_data
        filters = export_filters_for(
            tenant_id=request.tenant.pk,
            membership=request.membership,
            since=_midnight(data["since"]),
            until=_midnight(data["until"]),
            departments=[d.pk for d in data["department"]],
        )
        return export_response(
            dataset=dataset_get(data["dataset"]), filters=filters, fmt=data["format"]
        )


class ReconciliationPageView(TenantPageMixin, View):
    """Each check with its count; a check's applications below it (drill down)."""

    read_capability = Capability.VIEW
    write_capability = Capability.MANAGE_CANDIDATES

    def get(self, request):
        sensitive = may_see_sensitive(request.membership)
        rule = reconciliation.RULES.get(request.GET.get("rule", ""))
        if "rule" in request.GET and rule is None:
            raise Http404("No such check.")
        summary = [
            (
                each,
                reconciliation.discrepancy_rows(
                    each, sensitive=sensitive, membership=request.membership
                ).count(),
            )
            for each in reconciliation.RULES.values()
        ]
        page_obj = rows = None
        if rule is not None:
            page_obj = Paginator(
                reconciliation.discrepancy_rows(
                    rule, sensitive=sensitive, membership=request.membership
                ).order_by("-created_at", "-id"),
                50,
            ).get_page(request.GET.get("page"))
            rows = [reconciliation.discrepancy_as_dict(rule, row) for row in page_obj]
        return render(
            request,
            "reporting/reconciliation.html",
            self.page_context(
                summary=summary,
                rule=rule,
                rows=rows,
                page_obj=page_obj,
                may_upload=Capability.MANAGE_CANDIDATES in self.capabilities,
            ),
        )

    def post(self, request):
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, "Choose a CSV file to upload.")
        elif upload.size > MAX_UPLOAD_BYTES:
            messages.error(request, "The file is over 5 MB: split it into smaller files.")
        else:
            try:
                rows = activities_from_csv(upload.read())
                result = activities_import(actor=self.actor, rows=rows, source=ActivitySource.CSV)
            except DomainError as refusal:
                details = "; ".join(
                    f"{where}: {', '.join(problems)}"
                    for where, problems in list(refusal.fields.items())[:10]
                )
                messages.error(request, f"{refusal.message} {details}".strip())
            else:
                messages.success(
                    request,
                    f"Imported {result.created} activities ({result.unchanged} already there).",
                )
        return HttpResponseRedirect(reverse("reconciliation:page"), status=303)
