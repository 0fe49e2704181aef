"""Per-field precedence of a connection, sync conflicts and their resolution, connection
health and the tenant's integration settings (admins: `config:write`, reads included)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView, TenantScopedViewSet
from ats_milestones.api.schema import DETAIL_ERRORS, E400, E404, E409, E422, READ_ERRORS
from ats_milestones.api.serializers import validated
from integrations import selectors
from integrations.models import (
    ConflictChoice,
    ConflictStatus,
    Connection,
    IntegrationSettings,
    PrecedenceRule,
    SyncConflict,
)
from integrations.selectors import health_row
from integrations.services import field_sync
from integrations.services.health import integration_settings_update
from integrations.services.retention import (
    MAX_RETENTION_DAYS,
    MIN_DELIVERY_LOG_DAYS,
    MIN_RECEIPT_DAYS,
    retention_days,
)
from tenants.models import ApiScope

POST_ERRORS = {**DETAIL_ERRORS, 400: E400, 404: E404, 409: E409, 422: E422}


class PrecedenceSerializer(serializers.Serializer):
    rules = serializers.DictField(
        child=serializers.ChoiceField(choices=PrecedenceRule.choices),
        help_text="Syncable field -> `latest_wins` (the default), `ats_owns` or "
        "`external_owns`. On PUT, fields not named keep their rule.",
    )


class SyncConflictSerializer(serializers.ModelSerializer):
    connection = serializers.UUIDField(source="connection_id", read_only=True)
    application_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = SyncConflict
        fields = (
            "id",
            "created_at",
            "connection",
            "application_id",
            "object_type",
            "object_id",
            "field",
            "ours_value",
            "ours_changed_at",
            "theirs_value",
            "theirs_changed_at",
            "rule",
            "applied",
            "status",
            "resolution",
            "resolved_at",
        )
        read_only_fields = fields


class ResolveSerializer(serializers.Serializer):
    choose = serializers.ChoiceField(
        choices=ConflictChoice.choices, help_text="`ours` keeps our value, `theirs` takes theirs."
    )


class HealthSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    enabled = serializers.BooleanField()
    disabled_reason = serializers.CharField()
    attempts_7d = serializers.IntegerField()
    success_rate_7d = serializers.FloatField(allow_null=True, help_text="0..1; null: no attempt")
    p95_latency_ms_7d = serializers.FloatField(allow_null=True)
    last_error = serializers.CharField(allow_null=True)
    last_error_at = serializers.DateTimeField(allow_null=True)
    dead_letters = serializers.IntegerField()
    last_validated_at = serializers.DateTimeField(allow_null=True)
    last_validation_ok = serializers.BooleanField(allow_null=True)
    last_validation_message = serializers.CharField()
    next_validation_at = serializers.DateTimeField(allow_null=True)


_RECEIPT_HELP = (
    "Days an inbound receipt (what answers a repeated webhook-id) is kept: at least 4, to "
    "outlive the 5-minute signature tolerance and a sender's retry window (about 3 days). "
    "null: the deployment's default."
)
_LOG_HELP = (
    "Days the delivery log (attempts, and deliveries delivered) is kept: at least 7, the "
    "health figures' window; pending and dead-lettered deliveries are never pruned. "
    "null: the deployment's default."
)


class IntegrationSettingsSerializer(serializers.Serializer):
    """What a PUT may change: the fields it names (the others stay)."""

    validation_interval_days = serializers.IntegerField(
        min_value=1,
        max_value=366,
        required=False,
        help_text="Every connection is validated again this many days after its last "
        "validation (91, quarterly, by default).",
    )
    receipt_retention_days = serializers.IntegerField(
        min_value=MIN_RECEIPT_DAYS,
        max_value=MAX_RETENTION_DAYS,
        required=False,
        allow_null=True,
        help_text=_RECEIPT_HELP,
    )
    delivery_log_retention_days = serializers.IntegerField(
        min_value=MIN_DELIVERY_LOG_DAYS,
        max_value=MAX_RETENTION_DAYS,
        required=False,
        allow_null=True,
        help_text=_LOG_HELP,
    )


class IntegrationSettingsOutputSerializer(serializers.Serializer):
    validation_interval_days = serializers.IntegerField()
    receipt_retention_days = serializers.IntegerField(allow_null=True, help_text=_RECEIPT_HELP)
    delivery_log_retention_days = serializers.IntegerField(allow_null=True, help_text=_LOG_HELP)
    receipts_kept_days = serializers.IntegerField(
        help_text="How long receipts are kept in effect (the tenant's, else the default)."
    )
    delivery_log_kept_days = serializers.IntegerField(
        help_text="How long the delivery log is kept in effect (the tenant's, else the default)."
    )

    def to_representation(self, instance):
        receipts, log = retention_days(instance)
        return {
            "validation_interval_days": instance.validation_interval_days,
            "receipt_retention_days": instance.receipt_retention_days,
            "delivery_log_retention_days": instance.delivery_log_retention_days,
            "receipts_kept_days": receipts,
            "delivery_log_kept_days": log,
        }


class _Admin:
    read_scope = ApiScope.CONFIG_WRITE
    write_scope = ApiScope.CONFIG_WRITE


class ConnectionPrecedenceView(_Admin, TenantScopedAPIView):
    """The connection's rule per syncable field."""

    queryset = Connection.all_tenants.none()

    def tenant_queryset(self):
        return selectors.connection_list(tenant_id=self.tenant_id)

    @extend_schema(tags=["connections"], responses={200: PrecedenceSerializer, **DETAIL_ERRORS})
    def get(self, request, pk):
        rules = field_sync.field_precedence_of(self.get_object())
        return Response({"rules": rules})

    @extend_schema(
        tags=["connections"],
        request=PrecedenceSerializer,
        responses={200: PrecedenceSerializer, **DETAIL_ERRORS, 400: E400, 409: E409},
    )
    def put(self, request, pk):
        connection = self.get_object()
        data = validated(PrecedenceSerializer, request.data)
        rules = field_sync.field_precedence_set(
            connection=connection, actor=self.actor, rules=data["rules"]
        )
        return Response({"rules": rules})


class ConnectionHealthView(_Admin, TenantScopedAPIView):
    """One connection's health: last 7 days' success rate and p95 latency, the last error,
    dead letters, the last and next validation."""

    queryset = Connection.all_tenants.none()

    def tenant_queryset(self):
        return selectors.connection_health_list(tenant_id=self.tenant_id, now=timezone.now())

    @extend_schema(tags=["connections"], responses={200: HealthSerializer, **DETAIL_ERRORS})
    def get(self, request, pk):
        return Response(HealthSerializer(health_row(self.get_object())).data)


class IntegrationHealthView(_Admin, TenantScopedAPIView):
    """Every connection's health (one query whatever their number), as one array: a
    tenant has a handful of connections."""

    queryset = Connection.all_tenants.none()
    pagination_class = None

    def tenant_queryset(self):
        return selectors.connection_health_list(tenant_id=self.tenant_id, now=timezone.now())

    @extend_schema(
        tags=["connections"], responses={200: HealthSerializer(many=True), **READ_ERRORS}
    )
    def get(self, request):
        rows = [health_row(c) for c in self.get_queryset()]
        return Response(HealthSerializer(rows, many=True).data)


class IntegrationSettingsView(_Admin, TenantScopedAPIView):
    """The tenant's integration settings: how often connections are validated again."""

    queryset = IntegrationSettings.all_tenants.none()

    def tenant_queryset(self):
        return IntegrationSettings.objects.all()

    @extend_schema(
        tags=["connections"], responses={200: IntegrationSettingsOutputSerializer, **READ_ERRORS}
    )
    def get(self, request):
        settings = selectors.integration_settings_get(tenant_id=self.tenant_id)
        return Response(IntegrationSettingsOutputSerializer(settings).data)

    @extend_schema(
        tags=["connections"],
        request=IntegrationSettingsSerializer,
        responses={
            200: IntegrationSettingsOutputSerializer,
            400: E400,
            404: E404,
            409: E409,
            **READ_ERRORS,
        },
    )
    def put(self, request):
        data = validated(IntegrationSettingsSerializer, request.data)
        settings = integration_settings_update(tenant_id=self.tenant_id, actor=self.actor, **data)
        return Response(IntegrationSettingsOutputSerializer(settings).data)


STATUS_PARAMETER = OpenApiParameter(
    "status", str, enum=ConflictStatus.values, description="open or resolved (default: all)"
)


@extend_schema_view(
    list=extend_schema(
        tags=["sync conflicts"],
        parameters=[STATUS_PARAMETER],
        responses={200: SyncConflictSerializer(many=True), 400: E400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["sync conflicts"], responses={200: SyncConflictSerializer, **DETAIL_ERRORS}
    ),
)
class SyncConflictViewSet(_Admin, TenantScopedViewSet):
    """Fields both sides changed since the last sync, newest first."""

    queryset = SyncConflict.all_tenants.none()
    http_method_names = ["get", "post", "head", "options"]

    def tenant_queryset(self):
        return selectors.sync_conflict_list(tenant_id=self.tenant_id)

    def list(self, request):
        conflicts = self.get_queryset()
        if "status" in request.query_params:
            status = request.query_params["status"]
            if status not in ConflictStatus.values:
                raise ValidationError({"status": ["open or resolved."]})
            conflicts = conflicts.filter(status=status)
        page = self.paginate_queryset(conflicts)
        return self.get_paginated_response(SyncConflictSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return Response(SyncConflictSerializer(self.get_object()).data)

    @extend_schema(
        tags=["sync conflicts"],
        request=ResolveSerializer,
        responses={200: SyncConflictSerializer, **POST_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Keep our value or take theirs; the field is set to it (409 when resolved)."""
        conflict = self.get_object()
        data = validated(ResolveSerializer, request.data)
        resolved = field_sync.sync_conflict_resolve(
            conflict=conflict, actor=self.actor, choose=data["choose"]
        )
        return Response(SyncConflictSerializer(resolved).data)
