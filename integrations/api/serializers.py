"""Integrations over the API: connections (secrets write-only), deliveries, dead letters."""

from __future__ import annotations

from ats_milestones.api import serializers
from ats_milestones.api.serializers import (
    StrictCharField,
    StrictModelSerializer,
)
from integrations.models import (
    BackgroundCheck,
    BackgroundCheckStatusChange,
    Connection,
    Delivery,
    DeliveryAttempt,
    InboundReceipt,
)

_STAMPS = ("id", "created_at", "updated_at")


class ConnectionInputSerializer(StrictModelSerializer):
    auth_secret = StrictCharField(
        write_only=True, required=False, allow_blank=True, max_length=2000
    )
    signing_secret = StrictCharField(
        write_only=True, required=False, allow_blank=True, max_length=200
    )
    event_types = serializers.ListField(child=StrictCharField(max_length=64), required=False)
    filters = serializers.DictField(required=False)
    connector_settings = serializers.DictField(required=False)
    timeout_s = serializers.FloatField(min_value=0.5, max_value=30.0, required=False)
    rate_limit_per_minute = serializers.IntegerField(
        min_value=1, max_value=100_000, required=False, allow_null=True
    )

    class Meta:
        model = Connection
        fields = (
            "name",
            "kind",
            "endpoint_url",
            "auth_kind",
            "auth_username",
            "oauth_token_url",
            "oauth_scope",
            "auth_secret",
            "signing_secret",
            "event_types",
            "filters",
            "connector_settings",
            "timeout_s",
            "rate_limit_per_minute",
            "enabled",
        )


class ConnectionUpdateSerializer(ConnectionInputSerializer):
    class Meta(ConnectionInputSerializer.Meta):
        fields = tuple(f for f in ConnectionInputSerializer.Meta.fields if f != "signing_secret")


class ConnectionOutputSerializer(serializers.ModelSerializer):
    has_auth_secret = serializers.SerializerMethodField()
    # Empty unless the auth is OAuth 2: a URL format would be a lie for "".
    oauth_token_url = serializers.CharField(read_only=True)

    class Meta:
        model = Connection
        fields = (
            *_STAMPS,
            "name",
            "kind",
            "endpoint_url",
            "auth_kind",
            "auth_username",
            "oauth_token_url",
            "oauth_scope",
            "has_auth_secret",
            "event_types",
            "filters",
            "connector_settings",
            "timeout_s",
            "rate_limit_per_minute",
            "enabled",
            "disabled_reason",
            "last_validated_at",
            "last_validation_ok",
            "last_validation_message",
            "next_validation_at",
        )
        read_only_fields = fields

    def get_has_auth_secret(self, obj) -> bool:
        return bool(obj.auth_secret_encrypted)


class ValidationOutputSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    message = serializers.CharField()
    status = serializers.IntegerField(allow_null=True)
    latency_ms = serializers.FloatField(allow_null=True)


class ConnectionCreatedSerializer(ConnectionOutputSerializer):
    """The one answer that shows the signing secret."""

    signing_secret = serializers.SerializerMethodField()
    validation = serializers.SerializerMethodField()

    class Meta(ConnectionOutputSerializer.Meta):
        fields = (*ConnectionOutputSerializer.Meta.fields, "signing_secret", "validation")
        read_only_fields = fields

    def get_signing_secret(self, obj) -> str:
        return getattr(obj, "plain_signing_secret", "")

    def get_validation(self, obj) -> dict | None:
        result = getattr(obj, "validation", None)
        return ValidationOutputSerializer(result).data if result else None


class ConnectionValidatedSerializer(ConnectionOutputSerializer):
    """A change of endpoint or auth: the connection and the validation that followed it."""

    validation = serializers.SerializerMethodField()

    class Meta(ConnectionOutputSerializer.Meta):
        fields = (*ConnectionOutputSerializer.Meta.fields, "validation")
        read_only_fields = fields

    def get_validation(self, obj) -> dict | None:
        result = getattr(obj, "validation", None)
        return ValidationOutputSerializer(result).data if result else None


class SigningSecretOutputSerializer(serializers.Serializer):
    signing_secret = serializers.CharField()
    previous_valid_until = serializers.DateTimeField(allow_null=True)


class AttemptOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = (
            "id",
            "number",
            "status_code",
            "latency_ms",
            "error",
            "response_excerpt",
            "attempted_at",
        )
        read_only_fields = fields


class DeliveryOutputSerializer(serializers.ModelSerializer):
    connection = serializers.UUIDField(source="connection_id", read_only=True)
    webhook_id = serializers.CharField(source="event.webhook_id", read_only=True)
    application_id = serializers.UUIDField(source="ordering_key", read_only=True, allow_null=True)
    # What the connection receives: a connector's own body, else the event's.
    payload = serializers.JSONField(source="body", read_only=True)

    class Meta:
        model = Delivery
        fields = (
            *_STAMPS,
            "connection",
            "webhook_id",
            "event_type",
            "application_id",
            "state",
            "attempts",
            "next_attempt_at",
            "last_status",
            "last_error",
            "delivered_at",
            "dead_at",
            "replays",
            "payload",
        )
        read_only_fields = fields


class DeliveryDetailSerializer(DeliveryOutputSerializer):
    attempt_log = AttemptOutputSerializer(many=True, read_only=True)

    class Meta(DeliveryOutputSerializer.Meta):
        fields = (*DeliveryOutputSerializer.Meta.fields, "attempt_log")
        read_only_fields = fields


class ReplayInputSerializer(serializers.Serializer):  # the kernel's: unknown fields refused
    ids = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=1000)
    connection = serializers.UUIDField(required=False)

    def validate(self, attrs):
        if not attrs.get("ids") and not attrs.get("connection"):
            raise serializers.ValidationError(
                {"ids": ["Name the dead letters (ids) or a connection."]}
            )
        return attrs


class ReplayOutputSerializer(serializers.Serializer):
    replayed = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.UUIDField())


class BackgroundCheckHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = BackgroundCheckStatusChange
        fields = ("status", "result", "adverse_action", "source", "note", "occurred_at")
        read_only_fields = fields


class BackgroundCheckOutputSerializer(serializers.ModelSerializer):
    connection = serializers.UUIDField(source="connection_id", read_only=True)
    application = serializers.UUIDField(source="application_id", read_only=True)

    class Meta:
        model = BackgroundCheck
        fields = (
            *_STAMPS,
            "connection",
            "application",
            "milestone_code",
            "package",
            "invitation",
            "status",
            "result",
            "vendor_candidate_id",
            "vendor_invitation_id",
            "vendor_report_id",
            "ordered_at",
            "completed_at",
            "adverse_action",
            "waiting_ends_at",
            "last_error",
        )
        read_only_fields = fields


class BackgroundCheckDetailSerializer(BackgroundCheckOutputSerializer):
    history = BackgroundCheckHistorySerializer(many=True, read_only=True)

    class Meta(BackgroundCheckOutputSerializer.Meta):
        fields = (*BackgroundCheckOutputSerializer.Meta.fields, "history")
        read_only_fields = fields


class BackgroundCheckDecisionSerializer(serializers.Serializer):  # unknown fields refused
    decision = serializers.ChoiceField(choices=["proceed", "reject"])
    reason = StrictCharField(required=False, allow_blank=True, max_length=180)


class InboundReceiptSerializer(serializers.ModelSerializer):
    connection = serializers.UUIDField(source="connection_id", read_only=True)
    answer = serializers.JSONField(source="summary", read_only=True)

    class Meta:
        model = InboundReceipt
        fields = (
            "id",
            "connection",
            "webhook_id",
            "event_type",
            "received_at",
            "source_timestamp",
            "outcome",
            "status_code",
            "answer",
        )
        read_only_fields = fields
