"""Alert endpoints: automation failures (retry, dismiss) and the caller's notifications."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedViewSet
from ats_milestones.api.schema import E400, E401, E403, E404, ErrorSerializer, error_codes
from milestones import selectors as milestone_selectors
from milestones.errors import TRANSITION_REFUSAL_CODES, MilestoneErrorCode
from milestones.models import AutomationFailure
from milestones.services.automation.failures import (
    automation_failure_dismiss,
    automation_failure_retry,
)
from notifications import selectors as notification_selectors
from notifications import services as notification_services
from notifications.models import Notification
from reporting.api import filters
from reporting.api import serializers as s
from tenants.models import ApiScope
from tenants.permissions import Capability

Code = MilestoneErrorCode


NOT_OPEN_409 = OpenApiResponse(
    ErrorSerializer,
    description="The failure was already retried or dismissed. "
    + error_codes(Code.FAILURE_NOT_OPEN),
)
RETRY_422 = OpenApiResponse(
    ErrorSerializer,
    description="The move is still refused (the failure stays open with this latest code and "
    "message), or the failure records no move to retry (an escalation). "
    + error_codes(Code.FAILURE_NOT_RETRYABLE, *TRANSITION_REFUSAL_CODES),
)


# Every POST of this API documents 400, 409 and 422 (tests/api/test_schema.py); where an
# operation cannot answer one, its description says so rather than inventing a code.
def _reserved(status: int) -> OpenApiResponse:
    return OpenApiResponse(
        ErrorSerializer, description=f"Not answered by this operation today ({status} reserved)."
    )


@extend_schema(tags=["automation failures"])
class AutomationFailureViewSet(TenantScopedViewSet):
    """Automatic moves that did not happen (`applications:read` / `applications:write`)."""

    queryset = AutomationFailure.all_tenants.none()  # never evaluated; tells schema tools
    read_scope = ApiScope.APPLICATIONS_READ
    write_scope = ApiScope.APPLICATIONS_WRITE
    write_capability = Capability.HANDLE_FAILURES
    serializer_class = s.AutomationFailureOutputSerializer
    filterset_class = filters.AutomationFailureFilter

    def tenant_queryset(self):
        return milestone_selectors.automation_failure_list(membership=self.viewer)

    @extend_schema(
        responses={
            200: s.AutomationFailureOutputSerializer(many=True),
            400: E400,
            401: E401,
            403: E403,
        }
    )
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            s.AutomationFailureOutputSerializer(page, many=True).data
        )

    @extend_schema(
        responses={200: s.AutomationFailureOutputSerializer, 401: E401, 403: E403, 404: E404}
    )
    def retrieve(self, request, pk=None):
        return Response(s.AutomationFailureOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=None,
        responses={
            200: OpenApiResponse(
                s.AutomationFailureRetryOutputSerializer,
                description="Moved; the failure is `retried` and the transition is returned.",
            ),
            401: E401,
            403: E403,
            404: E404,
            409: NOT_OPEN_409,
            400: E400,
            422: RETRY_422,
        },
        description="Re-attempt the recorded move with the automation's cause (`trigger` for a "
        "rule, `deadline` for a deadline) on the application's current version.",
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        failure = self.get_object()
        transition = automation_failure_retry(failure=failure, actor=self.actor)
        return Response(
            {
                "failure": s.AutomationFailureOutputSerializer(failure).data,
                "transition_id": str(transition.pk),
                "application_version": transition.application_version,
            }
        )

    @extend_schema(
        request=s.AutomationFailureDismissInputSerializer,
        responses={
            200: s.AutomationFailureOutputSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: NOT_OPEN_409,
            422: _reserved(422),
        },
        description="Close an open failure without a move; `reason` is required.",
    )
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        failure = self.get_object()  # 404 for an id not ours comes before a 400 on the body
        data = s.AutomationFailureDismissInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        automation_failure_dismiss(
            failure=failure, reason=data.validated_data["reason"], actor=self.actor
        )
        return Response(s.AutomationFailureOutputSerializer(failure).data)


@extend_schema(tags=["notifications"])
class NotificationViewSet(TenantScopedViewSet):
    """The signed-in user's own notifications in the current tenant. Notifications belong
    to people: an API client has none, so it sees an empty list and 404 for any id."""

    queryset = Notification.all_tenants.none()  # never evaluated; tells schema tools
    serializer_class = s.NotificationOutputSerializer
    filterset_class = filters.NotificationFilter

    def tenant_queryset(self):
        return notification_selectors.notification_list_for_user(user_id=self.actor_user_id)

    @extend_schema(
        responses={200: s.NotificationOutputSerializer(many=True), 400: E400, 401: E401, 403: E403}
    )
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.NotificationOutputSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={
            200: s.NotificationOutputSerializer,
            400: E400,
            401: E401,
            403: E403,
            404: E404,
            409: _reserved(409),
            422: _reserved(422),
        },
        description="Mark one of your notifications read (idempotent). Another user's "
        "notification answers 404.",
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_services.notification_mark_read(notification=self.get_object())
        return Response(s.NotificationOutputSerializer(notification).data)

    @extend_schema(
        request=None,
        responses={
            200: s.NotificationReadAllOutputSerializer,
            400: E400,
            401: E401,
            403: E403,
            409: _reserved(409),
            422: _reserved(422),
        },
        description="Mark every unread notification of yours in this tenant read.",
    )
    @action(detail=False, methods=["post"], url_path="read_all")
    def read_all(self, request):
        if self.actor_user_id is None:
            return Response({"marked_read": 0})
        count = notification_services.notification_mark_all_read(user_id=self.actor_user_id)
        return Response({"marked_read": count})
