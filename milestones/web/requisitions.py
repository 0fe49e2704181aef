"""Browser pages of recruiting: thin views over page selectors."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ats_milestones.errors import InvalidInput
from ats_milestones.paging import CappedPaginator
from milestones import selectors as milestone_selectors
from milestones import sensitivity
from milestones.web import requisition_selectors as page_selectors
from milestones.web.board_selectors import CandidateFilters
from milestones.web.requisition_forms import (
    MINE,
    ApplicationFilterForm,
    RequisitionAccessForm,
    RequisitionFilterForm,
    valid_filters,
)
from recruiting import access
from recruiting import selectors as recruiting_selectors
from recruiting.models import Requisition
from tenants.access import access_denied_on_page
from tenants.people import person_name
from tenants.permissions import Capability
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
            self.page_context(
                requisition=requisition,
                page_obj=_page(request, applications),
                **self._access_context(requisition),
            ),
        )

    def _access_context(self, requisition) -> dict:
        """Who may see it and the form that changes it, for those who may change it."""
        if Capability.MANAGE_ACCESS not in self.capabilities:
            return {}
        granted = list(recruiting_selectors.requisition_access_list(requisition=requisition))
        return {
            "access_granted": granted,
            "access_form": RequisitionAccessForm(tenant_id=requisition.tenant_id),
        }


class RequisitionAccessView(TenantPageMixin, View):
    """An admin marks the requisition confidential (or not) and grants or revokes a
    person's access to it; each change is a permission change on the audit trail."""

    read_capability = write_capability = Capability.MANAGE_ACCESS

    def post(self, request, pk):
        requisition = page_selectors.requisition_get_for_page(
            tenant=request.tenant, membership=request.membership, requisition_id=pk
        )
        if requisition is None:
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        form = RequisitionAccessForm(request.POST, tenant_id=request.tenant.pk)
        if not form.is_valid():
            messages.error(request, form.problem())
        else:
            messages.success(request, _access_change(request, self.actor, requisition, form))
        url = reverse("recruiting:requisition-detail", args=[pk])
        return HttpResponseRedirect(url, status=303)


def _access_change(request, actor, requisition, form) -> str:
    change = form.cleaned_data["change"]
    if change == RequisitionAccessForm.CONFIDENTIAL:
        confidential = form.cleaned_data["confidential"]
        access.requisition_confidentiality_set(
            requisition=requisition, confidential=confidential, actor=actor
        )
        if confidential:
            return "Only its team and the people you grant access now see this requisition."
        return "Everyone in its departments now sees this requisition."
    user = form.cleaned_data["user"]
    name = person_name(user)
    try:
        if change == RequisitionAccessForm.GRANT:
            done = access.requisition_access_grant(
                requisition=requisition, user_id=user.pk, actor=actor
            )
            return f"{name} may now see this requisition." if done else f"{name} already could."
        done = access.requisition_access_revoke(
            requisition=requisition, user_id=user.pk, actor=actor
        )
    except InvalidInput as exc:
        return exc.message
    return f"{name} no longer has access granted." if done else f"{name} had no access granted."


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
                    tenant=tenant,
                    membership=request.membership,
                    milestone_id=filters.get("milestone"),
                ),
            ),
        )


def application_failures_context(*, application, sensitive: bool) -> dict:
    """What templates/reporting/_application_failures.html needs on the application page
    (whether its actions show is asked of `capabilities`, the one permission layer); a
    failure about a sensitive milestone is masked for a viewer who may not see it."""
    failures = list(
        milestone_selectors.automation_failure_open_for_application(application_id=application.pk)
    )
    return {
        "open_failures": sensitivity.failures_masked(
            failures,
            sensitive=sensitive,
            version_id=application.requisition.framework_version_id,
        )
    }
