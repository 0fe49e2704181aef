"""Query and bodies of the export endpoints."""

from __future__ import annotations

from rest_framework import serializers as drf
from rest_framework.exceptions import ValidationError

from ats_milestones.api import serializers
from reporting.models import ExportFormat, ScheduledExport
from reporting.models import ExportFrequency as Frequency

MAX_CHANGES_LIMIT = 10_000


def query_data(request, *, allowed: set[str], many: set[str] = frozenset()) -> dict:
    """The query string as a serializer's data: an unknown parameter is a 400 naming it."""
    unknown = sorted(set(request.query_params) - allowed)
    if unknown:
        raise ValidationError({name: ["Unknown parameter."] for name in unknown})
    return {
        name: (request.query_params.getlist(name) if name in many else value)
        for name, value in request.query_params.items()
    }


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=ExportFormat.choices, default=ExportFormat.CSV)
    since = serializers.DateTimeField(
        required=False, help_text="Rows from this time on (the dataset's period column)."
    )
    until = serializers.DateTimeField(required=False, help_text="Rows before this time.")
    department = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text="Only these departments (repeat the parameter for several).",
    )

    def validate(self, attrs):
        since, until = attrs.get("since"), attrs.get("until")
        if since and until and since >= until:
            raise ValidationError({"until": ["Must be after `since`."]})
        return attrs


class ChangesQuerySerializer(serializers.Serializer):
    sync_token = serializers.CharField(
        required=False,
        max_length=2000,
        help_text="The `next_sync_token` of your previous call; none for everything.",
    )
    updated_after = serializers.DateTimeField(
        required=False,
        help_text="Best-effort polling by last-change time instead of a sync token.",
    )
    # A query parameter is text: DRF's own integer field reads "4" (the kernel's wants JSON).
    limit = drf.IntegerField(required=False, min_value=1, max_value=MAX_CHANGES_LIMIT, default=1000)
    department = serializers.ListField(child=serializers.UUIDField(), required=False)

    def validate(self, attrs):
        if "sync_token" in attrs and "updated_after" in attrs:
            raise ValidationError({"updated_after": ["Send either `sync_token` or this."]})
        return attrs


class ChangesOutputSerializer(serializers.Serializer):
    results = serializers.ListField(
        child=serializers.DictField(),
        help_text="The rows, with the dataset's documented columns (docs/exports.md).",
    )
    has_more = serializers.BooleanField(help_text="Call again at once with the next token.")
    next_sync_token = serializers.CharField(
        allow_null=True, help_text="Send it on your next call (null when polling by time)."
    )
    next_updated_after = serializers.DateTimeField(
        allow_null=True, help_text="When polling by `updated_after`: its next value."
    )


class DatasetColumnSerializer(serializers.Serializer):
    name = serializers.CharField()
    type = serializers.CharField()
    meaning = serializers.CharField()


class DatasetOutputSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    columns = DatasetColumnSerializer(many=True)


class ScheduledExportInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    dataset = serializers.CharField(max_length=40)
    format = serializers.ChoiceField(choices=ExportFormat.choices)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    directory = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A folder under the tenant's directory on the server's export volume.",
    )
    is_active = serializers.BooleanField(required=False)
    next_run_at = serializers.DateTimeField(
        required=False, help_text="The first slot (default: now)."
    )


class ScheduledExportOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScheduledExport
        fields = [
            "id",
            "name",
            "dataset",
            "format",
            "frequency",
            "directory",
            "is_active",
            "next_run_at",
            "last_run_at",
            "last_file",
            "last_rows",
            "last_error",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields
