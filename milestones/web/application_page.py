"""The application page: where the candidate stands, every move made, and the moves a
recruiter makes from here (advance, jump ahead, skip, bypass, reject, withdraw)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from milestones import sensitivity
from milestones.models import MilestoneState
from milestones.web import requisition_selectors as page_selectors
from milestones.web.badges import application_badges
from milestones.web.page_moves import (
    milestone_names,
    moved_message,
    page_move_make,
    posted_move,
)
from milestones.web.requisitions import application_failures_context
from recruiting.models import Application, ApplicationStatus
from tenants.access import access_denied_on_page
from tenants.permissions import Capability
from tenants.views import TenantPageMixin


def move_choices(*, application, rows: list, role: str | None) -> dict:
    """What the page offers for the candidate's next move, from where they stand."""
    active = next((row for row in rows if row.state == MilestoneState.ACTIVE), None)
    position = max(
        (i for i, row in enumerate(rows) if row.state != MilestoneState.PENDING), default=-1
    )
    ahead = [row.milestone for row in rows[position + 1 :] if row.state == MilestoneState.PENDING]
    milestone = active.milestone if active else None
    return {
        "active_row": active,
        "next_milestone": ahead[0] if ahead else None,
        "later_milestones": ahead[1:],
        "can_skip": milestone is not None and not milestone.mandatory,
        "can_bypass": milestone is not None
        and application.hire_type in (milestone.bypass_hire_types or ())
        and role in (milestone.bypass_approver_roles or ()),
        "completes": milestone is not None and milestone.terminal_kind != "none",
    }


class ApplicationDetailView(TenantPageMixin, View):
    write_capability = Capability.MOVE

    def get(self, request, pk):
        return self._render(request, pk)

    def post(self, request, pk):
        application = self._application(request, pk)
        posted = posted_move(request.POST)
        if posted.application_id != application.pk:
            # The form names its application; another one here is a forged post.
            access_denied_on_page(request, model=Application, object_id=posted.application_id)
            raise Http404("No such application.")
        outcome = page_move_make(
            posted=posted,
            actor=self.actor,
            names=milestone_names(
                tenant=request.tenant, version_id=application.requisition.framework_version_id
            ),
        )
        if outcome.status != 303:
            feedback = {"message": outcome.message, "code": outcome.code, "action": posted.action}
            return self._render(request, pk, feedback=feedback, status=outcome.status)
        messages.success(
            request,
            moved_message(
                name=application.candidate.full_name,
                action=posted.action,
                transition=outcome.transition,
            ),
        )
        url = reverse("recruiting:application-detail", args=[pk])
        return HttpResponseRedirect(url, status=303)

    def _application(self, request, pk) -> Application:
        application = page_selectors.application_get_for_page(
            tenant=request.tenant, membership=request.membership, application_id=pk
        )
        if application is None:
            access_denied_on_page(request, model=Application, object_id=pk)
            raise Http404("No such application.")
        return application

    def _render(self, request, pk, *, feedback=None, status=200):
        application = self._application(request, pk)
        membership = getattr(request, "membership", None)
        sensitive = sensitivity.may_see_sensitive(membership)
        sensitivity.application_masked(application, sensitive=sensitive)
        rows = list(
            sensitivity.milestone_rows_visible(
                page_selectors.application_milestones_for_page(application=application),
                sensitive=sensitive,
            )
        )
        return render(
            request,
            "recruiting/application_detail.html",
            self.page_context(
                application=application,
                milestones=rows,
                timeline=sensitivity.transitions_visible(
                    page_selectors.application_timeline_for_page(application=application),
                    sensitive=sensitive,
                ),
                deadlines=page_selectors.application_deadlines_for_page(application=application),
                now=timezone.now(),
                active_status=ApplicationStatus.ACTIVE,
                badges=[
                    badge
                    for badge in application_badges([application.pk], detail=True).get(
                        application.pk, []
                    )
                    if sensitive or not badge.sensitive
                ],
                feedback=feedback,
                **move_choices(
                    application=application,
                    rows=rows,
                    role=getattr(membership, "role", None),
                ),
                **application_failures_context(application=application, sensitive=sensitive),
            ),
            status=status,
        )
