"""The pipeline board a recruiter works from: every column on one screen, capped columns with
their counts, filters, and one form for every card's move (advance, reject, withdraw)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from milestones import sensitivity
from milestones.web import board_selectors
from milestones.web.badges import application_badges
from milestones.web.page_moves import (
    milestone_names,
    moved_message,
    page_move_make,
    posted_move,
)
from recruiting.models import Application, ApplicationSource, HireType, Requisition
from recruiting.selectors import applications_visible, requisitions_visible
from tenants.access import access_denied_on_page
from tenants.permissions import Capability
from tenants.views import TenantPageMixin


class CandidateFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Candidate")
    hire_type = forms.ChoiceField(required=False, label="Hire type")
    source = forms.ChoiceField(required=False, label="Source")
    overdue = forms.BooleanField(required=False, label="Overdue only")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hire_type"].choices = [("", "Any hire type"), *HireType.choices]
        self.fields["source"].choices = [("", "Any source"), *ApplicationSource.choices]

    def filters(self) -> board_selectors.CandidateFilters:
        """The valid filters; a bad value is shown on its field and ignored, never widened."""
        if not self.is_bound or not self.is_valid():
            data = {k: v for k, v in getattr(self, "cleaned_data", {}).items() if v}
        else:
            data = self.cleaned_data
        return board_selectors.CandidateFilters(
            search=data.get("q", ""),
            hire_type=data.get("hire_type", ""),
            source=data.get("source", ""),
            overdue=bool(data.get("overdue")),
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
    """Each card's buttons submit the board's one form through the same service the API
    uses, so a refusal here is the refusal an HR system would get; skips, bypasses and
    jumps ahead are made on the application page the card links to. Only roles that move
    candidates may post (and see the controls)."""

    write_capability = Capability.MOVE

    def get(self, request, pk):
        return self._render(request, pk)

    def post(self, request, pk):
        # The requisition first: one the user may not see (another tenant's, department's,
        # or a confidential one's they are not on) is an audited 404.
        if not requisitions_visible(
            Requisition.objects.for_tenant(request.tenant).filter(pk=pk),
            membership=request.membership,
        ).exists():
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        posted = posted_move(request.POST)
        application = (
            applications_visible(
                Application.objects.for_tenant(request.tenant), membership=request.membership
            )
            .select_related("candidate", "requisition")
            .filter(pk=posted.application_id, requisition_id=pk)
            .first()
            if posted.application_id
            else None
        )
        if application is None:
            access_denied_on_page(request, model=Application, object_id=posted.application_id)
            raise Http404("No such application.")
        outcome = page_move_make(
            posted=posted,
            actor=self.actor,
            names=milestone_names(
                tenant=request.tenant, version_id=application.requisition.framework_version_id
            ),
        )
        name = application.candidate.full_name
        if outcome.status != 303:
            feedback = {"name": name, "message": outcome.message, "code": outcome.code}
            feedback["application_id"] = application.pk
            return self._render(request, pk, feedback=feedback, status=outcome.status)
        messages.success(
            request, moved_message(name=name, action=posted.action, transition=outcome.transition)
        )
        url = reverse("recruiting:requisition-board", args=[pk])
        query = request.GET.urlencode()
        return HttpResponseRedirect(f"{url}?{query}" if query else url, status=303)

    def _render(self, request, pk, *, feedback=None, status=200):
        form = CandidateFilterForm(request.GET or None)
        now = timezone.now()
        board = sensitivity.board_visible(
            board_selectors.board_get_for_page(
                tenant=request.tenant,
                membership=request.membership,
                requisition_id=pk,
                filters=form.filters(),
                now=now,
            ),
            sensitive=sensitivity.may_see_sensitive(request.membership),
        )
        if board is None:
            access_denied_on_page(request, model=Requisition, object_id=pk)
            raise Http404("No such requisition.")
        badges = application_badges(card.pk for column in board["columns"] for card in column.cards)
        for column in board["columns"]:
            milestone = column.milestone
            if milestone is not None:
                milestone.sla_label = sla_label(milestone.sla)
            for card in column.cards:
                card.time_in_milestone = time_in_milestone(card.milestone_entered_at, now)
                card.is_overdue = card.milestone_overdue_since is not None or (
                    card.milestone_due_at is not None and card.milestone_due_at < now
                )
                card.completes = milestone is not None and milestone.terminal_kind != "none"
                card.badges = badges.get(card.pk, [])
        return render(
            request,
            "recruiting/requisition_board.html",
            self.page_context(
                form=form,
                feedback=feedback,
                filtered=any(request.GET.get(key) for key in form.fields),
                **board,
            ),
            status=status,
        )
