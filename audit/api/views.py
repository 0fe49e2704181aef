"""The audit trail over the API: `GET /api/v1/audit_events`, for roles and clients that may
read it (`read_audit` / the `audit:read` scope), newest first in cursor pages."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.pagination import DefaultCursorPagination
from ats_milestones.api.schema import E400, E401, E403
from ats_milestones.api.serializers import validated
from audit.models import AuditEvent
from audit.selectors import audit_event_search
from tenants.models import ApiScope
from tenants.permissions import Capability


def _user_id(**kwargs):
    # A query parameter is text: the body's strict IntegerField refused every "7" here.
    return serializers.QueryIntegerField(
        required=False, min_value=1, max_value=serializers.INT64[1], **kwargs
    )


class AuditEventQuerySerializer(serializers.Serializer):
    actor_user_id = _user_id()
    actor_api_client_id = serializers.UUIDField(required=False)
    action = serializers.CharField(
        required=False, max_length=60, help_text='exact, or a prefix ending in "." (milestone.)'
    )
    object_type = serializers.CharField(required=False, max_length=60)
    object_id = serializers.CharField(required=False, max_length=64)
    request_id = serializers.CharField(
        required=False, max_length=64, help_text="every row one request wrote (X-Request-ID)"
    )
    on_behalf_of_user_id = _user_id(help_text="what API clients did for this person")
    since = serializers.DateTimeField(required=False, help_text="at or after (ISO-8601)")
    until = serializers.DateTimeField(required=False, help_text="before (ISO-8601)")

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and until <= since:
            raise serializers.ValidationError({"until": ["must be after since"]})
        return attrs


class AuditEventOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "seq",
            "at",
            "action",
            "actor_user_id",
            "actor_api_client_id",
            "on_behalf_of_user_id",
            "object_type",
            "object_id",
            "data",
            "ip_address",
            "user_agent",
            "request_id",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


PAGING_PARAMETERS = {"cursor", "page_size"}


class AuditCursorPagination(DefaultCursorPagination):
    """The kernel's strict cursor pages (a forged cursor or bad page_size is a 400), in the
    chain's own order."""

    ordering = ("-seq",)  # unique per tenant
    page_size = 100
    max_page_size = 1000


class AuditEventListView(TenantScopedAPIView):
    read_scope = ApiScope.AUDIT_READ
    read_capability = Capability.READ_AUDIT
    pagination_class = AuditCursorPagination
    queryset = AuditEvent.all_tenants.none()  # never evaluated; tells schema tools
    serializer_class = AuditEventOutputSerializer

    def tenant_queryset(self):
        return AuditEvent.objects.all()

    @extend_schema(
        tags=["audit"],
        parameters=[AuditEventQuerySerializer],
        responses={200: AuditEventOutputSerializer(many=True), 400: E400, 401: E401, 403: E403},
        description="Search the tenant's audit trail by actor, action, object and time range.",
    )
    def get(self, request):
        # Every other parameter is a filter: a misspelt one is a 400 naming it.
        query = validated(
            AuditEventQuerySerializer,
            {k: v for k, v in request.query_params.items() if k not in PAGING_PARAMETERS},
        )
        page = self.paginate_queryset(audit_event_search(**query))
        return self.get_paginated_response(AuditEventOutputSerializer(page, many=True).data)
