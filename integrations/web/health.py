"""Integration pages for admins: connection health (an overview and one per connection,
with the tenant's validation interval), field precedence, and sync conflicts to resolve."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ats_milestones.errors import DomainError
from integrations import selectors
from integrations.models import ConflictStatus, SyncConflict
from integrations.selectors import health_row
from integrations.services import field_sync
from integrations.services.health import integration_settings_update
from integrations.services.retention import retention_days
from integrations.web.views import PAGE_SIZE, AdminPageMixin
from tenants.access import access_denied_on_page


def _health_rows(tenant_id, *, connection_id=None) -> list[dict]:
    connections = selectors.connection_health_list(tenant_id=tenant_id, now=timezone.now())
    if connection_id is not None:
        connections = connections.filter(pk=connection_id)
    return [health_row(c) for c in connections]


class HealthOverviewView(AdminPageMixin, View):
    """Every connection's health on one page, in one query whatever their number."""

    def get(self, request):
        tenant_id = request.tenant.pk
        return render(
            request,
            "integrations/health.html",
            self.page_context(
                rows=_health_rows(tenant_id),
                settings=selectors.integration_settings_get(tenant_id=tenant_id),
                open_conflicts=selectors.open_conflict_count(tenant_id=tenant_id),
                now=timezone.now(),
                default_receipt_days=settings.INTEGRATIONS_RECEIPT_RETENTION_DAYS,
                default_log_days=settings.INTEGRATIONS_DELIVERY_LOG_RETENTION_DAYS,
            ),
        )

    def post(self, request):
        if request.POST.get("form") == "retention":
            return self._retention(request)
        raw = request.POST.get("validation_interval_days", "").strip()
        try:
            integration_settings_update(
                tenant_id=request.tenant.pk,
                actor=self.actor,
                validation_interval_days=int(raw),
            )
        except ValueError:
            messages.error(request, "Enter a whole number of days.")
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"Connections are validated again every {int(raw)} days.")
        return HttpResponseRedirect(reverse("integrations:health"), status=303)

    def _retention(self, request):
        try:
            days = {
                name: int(raw) if (raw := request.POST.get(name, "").strip()) else None
                for name in ("receipt_retention_days", "delivery_log_retention_days")
            }
            saved = integration_settings_update(
                tenant_id=request.tenant.pk, actor=self.actor, **days
            )
        except ValueError:
            messages.error(request, "Enter a whole number of days, or leave the box empty.")
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            receipts, log = retention_days(saved)
            messages.success(
                request,
                f"Receipts are kept {receipts} days and the delivery log {log} days.",
            )
        return HttpResponseRedirect(reverse("integrations:health"), status=303)


class ConnectionHealthView(AdminPageMixin, View):
    def get(self, request, pk):
        connection = self.get_connection(pk)
        (row,) = _health_rows(request.tenant.pk, connection_id=connection.pk)
        return render(
            request,
            "integrations/connection_health.html",
            self.page_context(connection=connection, row=row, now=timezone.now()),
        )


class ConnectionPrecedenceView(AdminPageMixin, View):
    """The precedence section of a connection's page: one rule per syncable field."""

    def post(self, request, pk):
        connection = self.get_connection(pk)
        rules = {
            name: request.POST[f"rule:{name}"]
            for name in field_sync.SYNCABLE_FIELDS
            if f"rule:{name}" in request.POST
        }
        try:
            field_sync.field_precedence_set(connection=connection, actor=self.actor, rules=rules)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, "Field precedence saved.")
        return HttpResponseRedirect(
            reverse("integrations:connection-detail", args=[pk]) + "#precedence", status=303
        )


class ConflictListView(AdminPageMixin, View):
    def get(self, request):
        status = request.GET.get("status") or ConflictStatus.OPEN
        if status not in ConflictStatus.values:
            status = ConflictStatus.OPEN
        conflicts = selectors.sync_conflict_list(tenant_id=request.tenant.pk, status=status)
        page_obj = Paginator(conflicts, PAGE_SIZE).get_page(request.GET.get("page"))
        labels = {name: f.label for name, f in field_sync.SYNCABLE_FIELDS.items()}
        for conflict in page_obj:
            conflict.field_label = labels.get(conflict.field, conflict.field)
        return render(
            request,
            "integrations/conflict_list.html",
            self.page_context(page_obj=page_obj, status=status, now=timezone.now()),
        )


class ConflictResolveView(AdminPageMixin, View):
    def post(self, request, pk):
        conflict = selectors.sync_conflict_list(tenant_id=request.tenant.pk).filter(pk=pk).first()
        if conflict is None:
            access_denied_on_page(request, model=SyncConflict, object_id=pk)
            raise Http404("No such conflict.")
        choose = request.POST.get("choose", "")
        try:
            field_sync.sync_conflict_resolve(conflict=conflict, actor=self.actor, choose=choose)
        except DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            kept = conflict.ours_value if choose == "ours" else conflict.theirs_value
            messages.success(
                request,
                f"Resolved: {conflict.connection.name}'s conflict now reads “{kept or 'empty'}”.",
            )
        return HttpResponseRedirect(reverse("integrations:conflicts"), status=303)
