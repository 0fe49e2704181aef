"""Background checks for the people who decide on them: every check with its status, and
for a `consider` result the proceed / reject decision once the waiting period is over
(sensitive: roles with view_sensitive see the page, those who may move candidates decide)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from ats_milestones.errors import DomainError
from integrations import selectors
from integrations.models import BackgroundCheck
from integrations.services.background_checks import (
    background_check_decide,
    background_check_order_retry,
)
from tenants.access import access_denied_on_page
from tenants.permissions import Capability
from tenants.views import TenantPageMixin

PAGE_SIZE = 50


class BackgroundCheckPageMixin(TenantPageMixin):
    read_capability = Capability.VIEW_SENSITIVE
    write_capability = Capability.MOVE


class BackgroundCheckListView(BackgroundCheckPageMixin, View):
    def get(self, request):
        checks = selectors.background_check_list(
            tenant_id=request.tenant.pk, membership=request.membership
        ).select_related("application__candidate", "application__requisition", "connection")
        page_obj = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "integrations/background_check_list.html",
            self.page_context(page_obj=page_obj, now=timezone.now()),
        )


def _visible_check(request, pk) -> BackgroundCheck:
    check = (
        selectors.background_check_list(tenant_id=request.tenant.pk, membership=request.membership)
        .filter(pk=pk)
        .first()
    )
    if check is None:
        access_denied_on_page(request, model=BackgroundCheck, object_id=pk)
        raise Http404("No such background check.")
    return check


def _refusal_message(refusal: DomainError) -> str:
    return refusal.message[:1].upper() + refusal.message[1:] + "."


class BackgroundCheckDecisionView(BackgroundCheckPageMixin, View):
    def post(self, request, pk):
        check = _visible_check(request, pk)
        decision = request.POST.get("decision")
        if decision not in ("proceed", "reject"):
            messages.error(request, "Choose to proceed or to reject.")
        else:
            try:
                background_check_decide(
                    check=check,
                    proceed=decision == "proceed",
                    actor=self.actor,
                    reason=request.POST.get("reason", "")[:180],
                )
            except DomainError as refusal:
                if refusal.status == 403:
                    raise
                messages.error(request, _refusal_message(refusal))
            else:
                done = "proceeds to the next milestone" if decision == "proceed" else "is rejected"
                messages.success(request, f"Decision recorded: the application {done}.")
        return HttpResponseRedirect(reverse("integrations:background-checks"))


class BackgroundCheckRetryView(BackgroundCheckPageMixin, View):
    """*Retry* on a failed order: ordered again from the vendor (back to the page it came
    from: the background checks or the application)."""

    def post(self, request, pk):
        check = _visible_check(request, pk)
        try:
            background_check_order_retry(check=check, actor=self.actor)
        except DomainError as refusal:
            if refusal.status == 403:
                raise
            messages.error(request, _refusal_message(refusal))
        else:
            messages.success(request, "The background check is being ordered again.")
        back = reverse("integrations:background-checks")
        if request.POST.get("back") == "application":
            back = reverse("recruiting:application-detail", args=[check.application_id])
        return HttpResponseRedirect(back)
