"""Browser pages of recruiting: thin views over page selectors."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from ats_milestones.paging import CappedPaginator
from milestones import selectors as milestone_selectors
from milestones.web import requisition_selectors as page_selectors
from milestones.web.board_selectors import CandidateFilters
from milestones.web.requisition_forms import (
    MINE,
    ApplicationFilterForm,
    RequisitionFilterForm,
    valid_filters,
)
from recruiting.models import Requisition
from tenants.access import access_denied_on_page
from tenants.views import TenantPageMixin

PAGE_SIZE = 50


def _page(request, rows):
    return CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _recruiter_id(request, value: str) -> int | None:
    if value == MINE:
        return request.user.pk
    return int(value) if value else None


class RequisitionListView(TenantPageMixin, View):
    def get(self, request):
        tenant = request.tenant
        form = RequisitionFilterForm(
            request.GET or None,
            departments=page_selectors.department_choices(tenant=tenant),
            recruiters=page_selectors.recruiter_choices(tenant=tenant),
        )
        filters = valid_filters(form)
        requisitions = page_selectors.requisition_list_for_page(
            tenant=tenant,
            membership=request.membership,
            status=filters.get("status", ""),
            department_id=filters.get("department") or None,
            recruiter_id=_recruiter_id(request, filters.get("recruiter", "")),
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
            tenant=request.tenant, membership=request.membership, requisition_id=pk
        )
        if requisition is None:
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        applications = page_selectors.application_list_for_requisition(requisition=requisition)
        return render(
            request,
            "recruiting/requisition_detail.html",
            self.page_context(requisition=requisition, page_obj=_page(request, applications)),
        )


class ApplicationListView(TenantPageMixin, View):
    """Every application of the tenant, filtered; a board column or a report drills down
    here (`?requisition=&milestone=&overdue=on`)."""

    def get(self, request):
        tenant = request.tenant
        form = ApplicationFilterForm(
            request.GET or None,
            requisitions=page_selectors.requisition_choices(
                tenant=tenant, membership=request.membership
            ),
            recruiters=page_selectors.recruiter_choices(tenant=tenant),
        )
        filters = valid_filters(form)
        applications = page_selectors.application_list_for_page(
            tenant=tenant,
            membership=request.membership,
            now=timezone.now(),
            status=filters.get("status", ""),
            requisition_id=filters.get("requisition") or None,
            milestone_id=filters.get("milestone"),
            recruiter_id=_recruiter_id(request, filters.get("recruiter", "")),
            candidates=CandidateFilters(
                search=filters.get("q", ""),
                hire_type=filters.get("hire_type", ""),
                source=filters.get("source", ""),
                overdue=bool(filters.get("overdue")),
            ),
        )
        return render(
            request,
            "recruiting/application_list.html",
            self.page_context(
                form=form,
                page_obj=_page(request, applications),
                milestone_name=page_selectors.milestone_name(
                    tenant=tenant, milestone_id=filters.get("milestone")
                ),
            ),
        )


def application_failures_context(*, application) -> dict:
    """What templates/reporting/_application_failures.html needs on the application page
    (whether its actions show is asked of `capabilities`, the one permission layer)."""
    return {
        "open_failures": list(
            milestone_selectors.automation_failure_open_for_application(
                application_id=application.pk
            )
        )
    }
