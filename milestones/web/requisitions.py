"""Browser pages of recruiting: thin views over page selectors."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from milestones import selectors as milestone_selectors
from milestones import sensitivity
from milestones.core.engine import MoveAction
from milestones.errors import StaleVersion, TransitionRefused
from milestones.models import TransitionCause
from milestones.services.transitions.moves import application_transition
from milestones.web import requisition_selectors as page_selectors
from milestones.web.requisition_forms import ApplicationFilterForm, RequisitionFilterForm
from recruiting.models import Application, ApplicationStatus, Requisition
from tenants.access import access_denied_on_page
from tenants.permissions import Capability, capabilities_of
from tenants.selectors import department_scope_ids, in_department_scope
from tenants.views import TenantPageMixin

PAGE_SIZE = 50


def in_scope(request, rows, department_field: str):
    """`rows` limited to the departments of the user's membership (all when tenant-wide)."""
    scope = department_scope_ids(request.membership)
    return rows if scope is None else rows.filter(**{f"{department_field}__in": scope})


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
        requisitions = in_scope(
            request,
            page_selectors.requisition_list_for_page(
                tenant=tenant,
                status=filters.get("status", ""),
                department_id=filters.get("department") or None,
                search=filters.get("q", ""),
            ),
            "department_id",
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
        if requisition is None or not in_department_scope(
            request.membership, requisition.department_id
        ):
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        applications = page_selectors.application_list_for_requisition(requisition=requisition)
        return render(
            request,
            "recruiting/requisition_detail.html",
            self.page_context(requisition=requisition, page_obj=_page(request, applications)),
        )


BOARD_ACTIONS = (MoveAction.ADVANCE, MoveAction.SKIP, MoveAction.BYPASS)
STALE_MESSAGE = (
    "Someone else moved this candidate in the meantime. Refresh the board and try again."
)


def time_in_milestone(entered_at: datetime | None, now: datetime) -> str:
    """How long a card has stood in its column, at a glance: "3d 4h", "5h 12m", "7m"."""
    if entered_at is None:
        return ""
    elapsed = max(now - entered_at, timedelta(0))
    days, seconds = elapsed.days, elapsed.seconds
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m"


def sla_label(sla: timedelta | None) -> str:
    """An SLA as recruiters say it: "72h" up to three days, "10d" beyond."""
    if sla is None:
        return ""
    hours = int(sla.total_seconds() // 3600)
    return f"{hours}h" if hours <= 72 else f"{sla.days}d"


class RequisitionBoardView(TenantPageMixin, View):
    """The pipeline of one requisition; each card's forms move it through the same service
    the API uses, so a refusal here is the refusal an HR system would get. Only roles that
    move candidates may post (and see the controls)."""

    write_capability = Capability.MOVE

    def get(self, request, pk):
        return self._render(request, pk)

    def post(self, request, pk):
        board_url = reverse("recruiting:requisition-board", args=[pk])
        # The requisition first: another tenant's (or department's) is an audited 404.
        if not in_scope(
            request, Requisition.objects.for_tenant(request.tenant).filter(pk=pk), "department_id"
        ).exists():
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        application = self._posted_application(request, requisition_id=pk)
        action = request.POST.get("action", "")
        if action not in BOARD_ACTIONS:
            return self._render(
                request,
                pk,
                feedback=(application.pk, "Unknown action.", "UNKNOWN_ACTION"),
                status=400,
            )
        try:
            expected_version = int(request.POST.get("expected_version", ""))
        except ValueError:
            return self._render(
                request, pk, feedback=(application.pk, STALE_MESSAGE, "STALE_VERSION"), status=409
            )
        try:
            transition = application_transition(
                application_id=application.pk,
                action=action,
                to_code=request.POST.get("to_code") or None,
                actor=self.actor,
                cause=TransitionCause.MANUAL,
                reason=request.POST.get("reason", "").strip(),
                expected_version=expected_version,
            )
        except StaleVersion:
            return self._render(
                request, pk, feedback=(application.pk, STALE_MESSAGE, "STALE_VERSION"), status=409
            )
        except TransitionRefused as refusal:
            return self._render(
                request, pk, feedback=(application.pk, refusal.message, refusal.code), status=422
            )
        name = application.candidate.full_name
        moved_to = transition.to_milestone.name if transition.to_milestone_id else None
        messages.success(request, f"{name} moved to {moved_to}." if moved_to else f"{name} moved.")
        return HttpResponseRedirect(board_url, status=303)

    def _posted_application(self, request, *, requisition_id) -> Application:
        try:
            application_id = uuid.UUID(request.POST.get("application_id", ""))
        except ValueError:
            raise Http404("No such application.") from None
        application = (
            Application.objects.for_tenant(request.tenant)
            .select_related("candidate")
            .filter(pk=application_id, requisition_id=requisition_id)
            .first()
        )
        if application is None:
            access_denied_on_page(request, model=Application, object_id=application_id)
            raise Http404("No such application.")
        return application

    def _render(self, request, pk, *, feedback=None, status=200):
        board = sensitivity.board_visible(
            page_selectors.board_get_for_page(tenant=request.tenant, requisition_id=pk),
            sensitive=sensitivity.may_see_sensitive(request.membership),
        )
        if board is None or not in_department_scope(
            request.membership, board["requisition"].department_id
        ):
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        now = timezone.now()
        role = getattr(getattr(request, "membership", None), "role", None)
        feedback_for, feedback_message, feedback_code = feedback or (None, "", "")
        columns = board["columns"]
        for index, (milestone, cards) in enumerate(columns):
            milestone.sla_label = sla_label(milestone.sla)
            for card in cards:
                card.time_in_milestone = time_in_milestone(card.milestone_entered_at, now)
                card.is_overdue = card.milestone_overdue_since is not None or (
                    card.milestone_due_at is not None and card.milestone_due_at < now
                )
                card.can_skip = not milestone.mandatory
                card.can_bypass = card.hire_type in (
                    milestone.bypass_hire_types or ()
                ) and role in (milestone.bypass_approver_roles or ())
                # "Move to" jumps past the next milestone; the engine refuses mandatory gaps.
                card.later_milestones = [m for m, _ in columns[index + 2 :]]
                if card.pk == feedback_for:
                    card.feedback = {"message": feedback_message, "code": feedback_code}
        return render(
            request,
            "recruiting/requisition_board.html",
            self.page_context(**board),
            status=status,
        )


class ApplicationDetailView(TenantPageMixin, View):
    def get(self, request, pk):
        application = page_selectors.application_get_for_page(
            tenant=request.tenant, application_id=pk
        )
        if application is None or not in_department_scope(
            request.membership, application.requisition.department_id
        ):
            access_denied_on_page(request, model=Application, object_id=pk)
            raise Http404("No such application.")
        sensitive = sensitivity.may_see_sensitive(request.membership)
        sensitivity.application_masked(application, sensitive=sensitive)
        return render(
            request,
            "recruiting/application_detail.html",
            self.page_context(
                application=application,
                milestones=sensitivity.milestone_rows_visible(
                    page_selectors.application_milestones_for_page(application=application),
                    sensitive=sensitive,
                ),
                timeline=sensitivity.transitions_visible(
                    page_selectors.application_timeline_for_page(application=application),
                    sensitive=sensitive,
                ),
                deadlines=page_selectors.application_deadlines_for_page(application=application),
                now=timezone.now(),
                active_status=ApplicationStatus.ACTIVE,
                **application_failures_context(
                    application=application, membership=getattr(request, "membership", None)
                ),
            ),
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
        applications = in_scope(
            request,
            page_selectors.application_list_for_page(
                tenant=tenant,
                status=filters.get("status", ""),
                requisition_id=filters.get("requisition") or None,
            ),
            "requisition__department_id",
        )
        return render(
            request,
            "recruiting/application_list.html",
            self.page_context(form=form, page_obj=_page(request, applications)),
        )


def can_handle_failures(membership) -> bool:
    return Capability.HANDLE_FAILURES in capabilities_of(membership)


def application_failures_context(*, application, membership) -> dict:
    """What templates/reporting/_application_failures.html needs on the application page."""
    return {
        "open_failures": list(
            milestone_selectors.automation_failure_open_for_application(
                application_id=application.pk
            )
        ),
        "can_handle_failures": can_handle_failures(membership),
    }
