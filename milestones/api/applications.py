"""Milestone API for applications: where one stands, its history, and a move.

A move is the product's most frequent request: the view parses, hands the id to the
transition service (which locks and reads the application itself) and renders.
"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.etag import etag_of, expected_version_from
from ats_milestones.api.schema import ErrorSerializer, error_codes, with_common_errors
from ats_milestones.api.serializers import validated
from ats_milestones.errors import DomainError
from milestones import selectors, sensitivity, services
from milestones.api import serializers as s
from milestones.api.views import ERR_400, ERR_404, Code
from milestones.errors import TRANSITION_REFUSAL_CODES
from recruiting.models import Application
from recruiting.selectors import applications_visible
from tenants.models import ApiScope
from tenants.permissions import Capability

IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The application version you last saw, as its ETag: `"<version>"`.',
)


class _ApplicationView(TenantScopedAPIView):
    queryset = Application.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.APPLICATIONS_READ
    write_scope = ApiScope.APPLICATIONS_WRITE

    def tenant_queryset(self):
        return applications_visible(Application.objects.all(), membership=self.viewer)

    @property
    def may_see_sensitive(self) -> bool:
        """People by role; an API client reads what its `applications:read` scope opens."""
        return self.api_client is not None or sensitivity.may_see_sensitive(self.membership)


@extend_schema(tags=["milestones"])
class ApplicationMilestonesView(_ApplicationView):
    """Where the application stands on each milestone; `ETag` is its version."""

    pagination_class = None  # one array: a row per milestone of its version, never pages

    @extend_schema(
        responses=with_common_errors(
            {200: s.ApplicationMilestoneOutputSerializer(many=True)}, {404: ERR_404}
        )
    )
    def get(self, request, pk):
        application = self.get_object()
        rows = sensitivity.milestone_rows_visible(
            selectors.application_milestone_list(application_id=application.pk),
            sensitive=self.may_see_sensitive,
        )
        data = s.ApplicationMilestoneOutputSerializer(rows, many=True).data
        return Response(data, headers={"ETag": etag_of(application.version)})


@extend_schema(tags=["milestones"])
class ApplicationTransitionsView(_ApplicationView):
    """The history of moves (GET) and a new move (POST, with `If-Match`)."""

    write_capability = Capability.MOVE

    @extend_schema(
        responses=with_common_errors({200: s.TransitionOutputSerializer(many=True)}, {404: ERR_404})
    )
    def get(self, request, pk):
        application = self.get_object()
        page = self.paginate_queryset(
            sensitivity.transitions_visible(
                selectors.milestone_transition_list(application_id=application.pk),
                sensitive=self.may_see_sensitive,
            )
        )
        response = self.get_paginated_response(s.TransitionOutputSerializer(page, many=True).data)
        response["ETag"] = etag_of(application.version)
        return response

    @extend_schema(
        parameters=[IF_MATCH],
        request=s.TransitionInputSerializer,
        responses=with_common_errors(
            {
                201: OpenApiResponse(
                    s.TransitionOutputSerializer, description="Moved; `ETag` is the new version."
                ),
                400: ERR_400,
                404: ERR_404,
                409: OpenApiResponse(ErrorSerializer, description=error_codes(Code.STALE_VERSION)),
                422: OpenApiResponse(
                    ErrorSerializer,
                    description="The framework refuses the move. "
                    + error_codes(*TRANSITION_REFUSAL_CODES),
                ),
                428: OpenApiResponse(
                    ErrorSerializer, description=error_codes("PRECONDITION_REQUIRED")
                ),
            }
        ),
    )
    def post(self, request, pk):
        # The service locks and reads the application itself; looking it up here too would
        # cost a round trip per move. Refusals still answer 404 before 400/428 for an id
        # that is not ours.
        try:
            data = validated(s.TransitionInputSerializer, request.data)
            expected_version = expected_version_from(request, required=True)
        except (ValidationError, DomainError):
            self.get_object()
            raise
        try:
            transition = self._move(pk, data, expected_version)
        except Application.DoesNotExist:
            self.record_denied_lookup()
            raise Http404 from None
        return Response(
            s.TransitionOutputSerializer(transition).data,
            status=201,
            headers={"ETag": etag_of(transition.application_version)},
        )

    def _move(self, pk, data, expected_version):
        return services.application_transition(
            application_id=pk,
            action=data["action"],
            to_code=data["to_code"] or None,
            reason=data["reason"],
            cause=data["cause"],
            actor=self.actor,
            expected_version=expected_version,
        )
