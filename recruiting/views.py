"""Browser pages of recruiting: thin views over page selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views import View

from compliance.models import AuditAction
from compliance.services import audit_record
from tenants.context import all_tenants_context
from tenants.views import TenantPageMixin

from . import page_selectors
from .forms import ApplicationFilterForm, RequisitionFilterForm
from .models import Requisition

PAGE_SIZE = 50


def _page(request, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


class RequisitionListView(TenantPageMixin, View):
    def get(self, request):
        tenant = request.tenant
        form = RequisitionFilterForm(
            request.GET or None, departments=page_selectors.department_choices(tenant=tenant)
        )
        filters = {}
        if form.is_bound:
            form.is_valid()
            filters = form.cleaned_data
        requisitions = page_selectors.requisition_list_for_page(
            tenant=tenant,
            status=filters.get("status", ""),
            department_id=filters.get("department") or None,
            search=filters.get("q", ""),
        )
        return render(
            request,
            "recruiting/requisition_list.html",
            self.page_context(form=form, page_obj=_page(request, requisitions)),
        )


class RequisitionDetailView(TenantPageMixin, View):
    def get(self, request, pk):
        requisition = page_selectors.requisition_get_for_page(
            tenant=request.tenant, requisition_id=pk
        )
        if requisition is None:
            _record_denied_lookup(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        applications = page_selectors.application_list_for_requisition(requisition=requisition)
        return render(
            request,
            "recruiting/requisition_detail.html",
            self.page_context(requisition=requisition, page_obj=_page(request, applications)),
        )


class ApplicationListView(TenantPageMixin, View):
    def get(self, request):
        tenant = request.tenant
        form = ApplicationFilterForm(
            request.GET or None, requisitions=page_selectors.requisition_choices(tenant=tenant)
        )
        filters = {}
        if form.is_bound:
            form.is_valid()
            filters = form.cleaned_data
        applications = page_selectors.application_list_for_page(
            tenant=tenant,
            status=filters.get("status", ""),
            requisition_id=filters.get("requisition") or None,
        )
        return render(
            request,
            "recruiting/application_list.html",
            self.page_context(form=form, page_obj=_page(request, applications)),
        )


def _record_denied_lookup(request, *, model, object_id) -> None:
    """An id that is not in the session's tenant: 404 to the user, an audit event for us."""
    with all_tenants_context():
        elsewhere = model.all_tenants.filter(pk=object_id).exists()
    audit_record(
        action=AuditAction.ACCESS_DENIED,
        tenant_id=request.tenant.pk,
        actor_user_id=request.user.pk,
        object_type=model._meta.label,
        object_id=str(object_id),
        data={"path": request.path, "method": request.method, "exists_in_other_tenant": elsewhere},
        ip_address=request.META.get("REMOTE_ADDR"),
    )
