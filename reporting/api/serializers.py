"""Input and output bodies of the alert endpoints."""

from __future__ import annotations

from ats_milestones.api import serializers
from milestones.models import AutomationFailure
from notifications.models import Notification


class AutomationFailureOutputSerializer(serializers.ModelSerializer):
    application_id = serializers.UUIDField(read_only=True)
    candidate_name = serializers.CharField(source="application.candidate.full_name")
    rule_id = serializers.UUIDField(read_only=True, allow_null=True)
    rule_name = serializers.CharField(source="rule.name", allow_null=True, default=None)
    deadline_firing_id = serializers.UUIDField(read_only=True, allow_null=True)
    event_id = serializers.UUIDField(read_only=True, allow_null=True)
    attempted = serializers.JSONField(
        help_text='The move that was attempted, e.g. {"action": "advance", "to_code": "OFFER"}.'
    )
    resolved_by = serializers.IntegerField(source="resolved_by_id", allow_null=True)

    class Meta:
        model = AutomationFailure
        fields = [
            "id",
            "application_id",
            "candidate_name",
            "source",
            "rule_id",
            "rule_name",
            "deadline_firing_id",
            "event_id",
            "attempted",
            "error_code",
            "message",
            "status",
            "created_at",
            "updated_at",
            "resolved_at",
            "resolved_by",
        ]
        read_only_fields = fields


class AutomationFailureRetryOutputSerializer(serializers.Serializer):
    failure = AutomationFailureOutputSerializer()
    transition_id = serializers.UUIDField()
    application_version = serializers.IntegerField()


class AutomationFailureDismissInputSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, help_text="Why the failure needs no retry; kept in the audit trail."
    )


class NotificationOutputSerializer(serializers.ModelSerializer):
    application_id = serializers.UUIDField(
        read_only=True,
        allow_null=True,
        help_text="The application this notification is about; null for a digest.",
    )
    application_ids = serializers.ListField(
        child=serializers.UUIDField(),
        read_only=True,
        help_text="A digest's applications (several escalated to you at once); its `link` "
        "opens a page listing them. Empty for a notification about one application.",
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "application_id",
            "application_ids",
            "link",
            "read_at",
            "emailed_at",
            "created_at",
        ]
        read_only_fields = fields


class NotificationReadAllOutputSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many unread notifications were marked.")
