"""Browser pages of alerts: my notifications, and the tenant's automation failures."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from ats_milestones.errors import DomainError
from milestones import selectors as milestone_selectors
from milestones import sensitivity
from milestones.models import AutomationFailure, FailureStatus
from milestones.services.automation.failures import (
    automation_failure_dismiss,
    automation_failure_retry,
)
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import Notification
from reporting import selectors
from tenants.access import access_denied_on_page
from tenants.permissions import Capability
from tenants.views import TenantPageMixin

PAGE_SIZE = 50


def _back(request, default: str) -> HttpResponseRedirect:
    """Back to the page the form was on (same host only), else `default`."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    return HttpResponseRedirect(target, status=303)


# -- notifications -------------------------------------------------------------------------


class NotificationListView(TenantPageMixin, View):
    def get(self, request):
        inbox = notification_selectors.notification_inbox_for_page(user_id=request.user.pk)
        page_obj = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request, "reporting/notification_list.html", self.page_context(page_obj=page_obj)
        )


def _my_notification(request, pk) -> Notification:
    """The signed-in user's own notification in the session's tenant, else an audited 404."""
    notification = notification_selectors.notification_get_for_page(
        user_id=request.user.pk, notification_id=pk
    )
    if notification is None:
        access_denied_on_page(request, model=Notification, object_id=pk)
        raise Http404("No such notification.")
    return notification


class NotificationDetailView(TenantPageMixin, View):
    """One notification; a digest lists its applications. Reading it here marks nothing."""

    def get(self, request, pk):
        notification = _my_notification(request, pk)
        sensitive = sensitivity.may_see_sensitive(request.membership)
        applications = [
            sensitivity.application_masked(application, sensitive=sensitive)
            for application in selectors.notification_applications_for_page(
                notification=notification, membership=request.membership
            )
        ]
        named = len(notification.about_application_ids)
        return render(
            request,
            "reporting/notification_detail.html",
            self.page_context(
                notification=notification,
                applications=applications,
                # Deleted since it was sent (an id array has no foreign key): not in the table.
                unavailable_count=max(named - len(applications), 0),
            ),
        )


class NotificationReadView(TenantPageMixin, View):
    def post(self, request, pk):
        notification = _my_notification(request, pk)
        notification_services.notification_mark_read(notification=notification)
        if request.POST.get("open") and notification.link:
            return _back_to_link(request, notification.link)
        return _back(request, reverse("reporting:notification-list"))


def _back_to_link(request, link: str) -> HttpResponseRedirect:
    if not url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        link = reverse("reporting:notification-list")
    return HttpResponseRedirect(link, status=303)


class NotificationReadAllView(TenantPageMixin, View):
    def post(self, request):
        count = notification_services.notification_mark_all_read(user_id=request.user.pk)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked read.")
        return HttpResponseRedirect(reverse("reporting:notification-list"), status=303)


# -- automation failures -------------------------------------------------------------------


class FailureHandlerMixin(TenantPageMixin):
    """Roles that handle failures (recruiters, admins) see and act on them; others get 403."""

    read_capability = write_capability = Capability.HANDLE_FAILURES

    def get_failure(self, pk) -> AutomationFailure:
        failures = milestone_selectors.automation_failure_list(membership=self.request.membership)
        failure = failures.filter(pk=pk).first()
        if failure is None:
            access_denied_on_page(self.request, model=AutomationFailure, object_id=pk)
            raise Http404("No such automation failure.")
        return failure


class AutomationFailureListView(FailureHandlerMixin, View):
    def get(self, request):
        status = request.GET.get("status", FailureStatus.OPEN)
        if status not in FailureStatus.values and status != "all":
            status = FailureStatus.OPEN
        failures = milestone_selectors.automation_failure_list_for_page(
            membership=request.membership, status="" if status == "all" else status
        )
        page_obj = Paginator(failures, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "reporting/failure_list.html",
            self.page_context(
                page_obj=page_obj,
                status=status,
                statuses=[("all", "All"), *FailureStatus.choices],
                now=timezone.now(),
            ),
        )


class AutomationFailureRetryView(FailureHandlerMixin, View):
    def post(self, request, pk):
        failure = self.get_failure(pk)
        name = failure.application.candidate.full_name
        try:
            transition = automation_failure_retry(failure=failure, actor=self.actor)
        except DomainError as refusal:
            messages.error(request, f"Retry for {name} refused ({refusal.code}): {refusal.message}")
        else:
            moved = transition.to_milestone.name if transition.to_milestone_id else None
            messages.success(
                request,
                f"Retried: {name} moved to {moved}." if moved else f"Retried: {name} moved.",
            )
        return _back(request, reverse("reporting:failure-list"))


class AutomationFailureDismissView(FailureHandlerMixin, View):
    def post(self, request, pk):
        failure = self.get_failure(pk)
        name = failure.application.candidate.full_name
        try:
            automation_failure_dismiss(
                failure=failure,
                reason=request.POST.get("reason", ""),
                actor=self.actor,
            )
        except DomainError as refusal:
            messages.error(request, f"Could not dismiss the failure for {name}: {refusal.message}")
        else:
            messages.success(request, f"Dismissed the failure for {name}.")
        return _back(request, reverse("reporting:failure-list"))
