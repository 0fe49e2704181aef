"""Legacy stage mappings (CRUD) and the import of a legacy stage history (JSON or CSV)."""

from __future__ import annotations

import csv
import io

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView, TenantScopedViewSet
from ats_milestones.api.parsers import JSONParser, read_limited
from ats_milestones.api.schema import (
    DETAIL_ERRORS,
    E422,
    READ_ERRORS,
    ErrorSerializer,
)
from ats_milestones.api.serializers import validated
from ats_milestones.errors import InvalidInput
from milestones.models import LegacyStageMapping
from milestones.services import legacy as service
from tenants.models import ApiScope
from tenants.permissions import Capability

ERR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` names each.")
ERR_404 = OpenApiResponse(ErrorSerializer, description="Not found in your tenant.")
ERR_409 = OpenApiResponse(
    ErrorSerializer, description="`DUPLICATE_MAPPING`: the stage is already mapped."
)
ERR_409_IMPORT = OpenApiResponse(
    ErrorSerializer,
    description="`IMPORT_CONFLICT`: another write holds one of the applications; retry.",
)
ERR_422 = OpenApiResponse(
    ErrorSerializer,
    description=(
        "`IMPORT_INVALID`: `fields.rows` lists every error as "
        '`{"line", "field", "code", "message"}`; nothing was written. '
        "`IDEMPOTENCY_KEY_REUSED`: the key was used with another request."
    ),
)


# -- mappings ------------------------------------------------------------------------------


class LegacyStageMappingInputSerializer(serializers.Serializer):
    source_system = serializers.CharField(max_length=100)
    legacy_stage = serializers.CharField(max_length=200)
    milestone_code = serializers.CharField(max_length=64)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Unknown field."] for name in unknown})
        return super().to_internal_value(data)


class LegacyStageMappingOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegacyStageMapping
        fields = [
            "id",
            "source_system",
            "legacy_stage",
            "milestone_code",
            "created_at",
            "updated_at",
        ]


@extend_schema(tags=["legacy import"])
class LegacyStageMappingViewSet(TenantScopedViewSet):
    """Which milestone each stage of a legacy system stands for (`config:read` / `config:write`)."""

    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = LegacyStageMappingOutputSerializer
    queryset = (
        LegacyStageMapping.all_tenants.none()
    )  # never evaluated; tells schema tools the model
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def tenant_queryset(self):
        queryset = LegacyStageMapping.objects.order_by("-created_at", "-id")
        source_system = self.request.query_params.get("source_system")
        if source_system and self.action == "list":
            queryset = queryset.filter(source_system=source_system)
        return queryset

    @extend_schema(
        parameters=[OpenApiParameter("source_system", str, description="Only this system.")],
        responses={200: LegacyStageMappingOutputSerializer(many=True), **READ_ERRORS},
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(LegacyStageMappingOutputSerializer(page, many=True).data)

    @extend_schema(responses={200: LegacyStageMappingOutputSerializer, **DETAIL_ERRORS})
    def retrieve(self, request, pk=None):
        return Response(LegacyStageMappingOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=LegacyStageMappingInputSerializer,
        responses={
            201: LegacyStageMappingOutputSerializer,
            **READ_ERRORS,
            400: ERR_400,
            409: ERR_409,
            422: E422,
        },
    )
    def create(self, request):
        mapping = service.legacy_stage_mapping_save(
            **validated(LegacyStageMappingInputSerializer, request.data)
        )
        return Response(LegacyStageMappingOutputSerializer(mapping).data, status=201)

    @extend_schema(
        request=LegacyStageMappingInputSerializer,
        responses={
            200: LegacyStageMappingOutputSerializer,
            **DETAIL_ERRORS,
            400: ERR_400,
            409: ERR_409,
        },
    )
    def update(self, request, pk=None):
        mapping = self.get_object()
        mapping = service.legacy_stage_mapping_save(
            mapping=mapping, **validated(LegacyStageMappingInputSerializer, request.data)
        )
        return Response(LegacyStageMappingOutputSerializer(mapping).data)

    @extend_schema(
        request=LegacyStageMappingInputSerializer(partial=True),
        responses={
            200: LegacyStageMappingOutputSerializer,
            **DETAIL_ERRORS,
            400: ERR_400,
            409: ERR_409,
        },
    )
    def partial_update(self, request, pk=None):
        mapping = self.get_object()
        data = validated(LegacyStageMappingInputSerializer, request.data, partial=True)
        mapping = service.legacy_stage_mapping_save(mapping=mapping, **data)
        return Response(LegacyStageMappingOutputSerializer(mapping).data)

    @extend_schema(responses={204: None, **DETAIL_ERRORS})
    def destroy(self, request, pk=None):
        service.legacy_stage_mapping_delete(mapping=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- import --------------------------------------------------------------------------------


class CSVTextParser(BaseParser):
    """A `text/csv` body, handed to the view as text."""

    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        raw = read_limited(stream)
        if b"\x00" in raw:
            raise InvalidInput("the CSV body holds NUL characters", fields={"file": ["NUL"]})
        try:
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                "the CSV body must be UTF-8", fields={"body": ["not UTF-8"]}
            ) from exc


CSV_COLUMNS = ("application_external_id", "legacy_stage", "entered_at", "left_at")
CSV_REQUIRED = CSV_COLUMNS[:3]


def _check_csv_header(text: str) -> None:
    """The first line names the documented columns: a file without them is not an export
    of ours to read as zero rows."""
    first = next(csv.reader(io.StringIO(text)), [])
    columns = [name.strip() for name in first]
    missing = [name for name in CSV_REQUIRED if name not in columns]
    unknown = [name for name in columns if name not in CSV_COLUMNS]
    if missing or unknown:
        message = (
            "the first line must be the header " + ",".join(CSV_COLUMNS) + " (left_at optional)"
        )
        details = [f"missing column {name}" for name in missing]
        details += [f"unknown column {name!r}" for name in unknown]
        raise InvalidInput(message, fields={"file": [message, *details]})


class LegacyImportRowSerializer(serializers.Serializer):
    application_external_id = serializers.CharField()
    legacy_stage = serializers.CharField()
    entered_at = serializers.CharField(help_text="ISO-8601; without an offset it is UTC.")
    left_at = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class LegacyImportInputSerializer(serializers.Serializer):
    source_system = serializers.CharField(max_length=100)
    rows = serializers.ListField(child=serializers.JSONField(), allow_empty=True)


class LegacyImportedRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The row's line (JSON: its position from 1).")
    application_external_id = serializers.CharField()
    legacy_stage = serializers.CharField()
    entered_at = serializers.DateTimeField()


class LegacyImportResultSerializer(serializers.Serializer):
    rows = serializers.IntegerField(help_text="Valid rows, those already imported included.")
    applications = serializers.IntegerField(help_text="Applications given new history.")
    transitions = serializers.IntegerField(help_text="Rows written, one transition each.")
    milestone_rows_created = serializers.IntegerField()
    milestone_rows_updated = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    rows_already_imported = serializers.IntegerField()
    already_imported = LegacyImportedRowSerializer(
        many=True,
        help_text="Rows not written: the same application, legacy stage and entered_at were "
        "imported before from this source system, or on an earlier line of this batch.",
    )


def _dry_run(raw: str | None) -> bool:
    if raw is None:
        return False
    if raw.lower() in ("1", "true", "yes"):
        return True
    if raw.lower() in ("0", "false", "no"):
        return False
    raise InvalidInput("dry_run is true or false", fields={"dry_run": ["Must be true or false."]})


@extend_schema(tags=["legacy import"])
class LegacyImportView(TenantScopedAPIView):
    """Import a legacy stage history: all rows or none (`applications:write`)."""

    read_scope = None
    write_scope = ApiScope.APPLICATIONS_WRITE
    write_capability = Capability.CONFIGURE_WORKFLOWS
    parser_classes = [JSONParser, CSVTextParser]

    def tenant_queryset(self):
        return LegacyStageMapping.objects.all()

    @extend_schema(
        parameters=[
            OpenApiParameter("source_system", str, description="Required with a `text/csv` body."),
            OpenApiParameter("dry_run", bool, description="Validate only; answers 200."),
        ],
        request={
            "application/json": LegacyImportInputSerializer,
            "text/csv": {"type": "string"},
        },
        responses={
            200: LegacyImportResultSerializer,
            201: LegacyImportResultSerializer,
            **READ_ERRORS,
            400: ERR_400,
            409: ERR_409_IMPORT,
            422: ERR_422,
        },
        description=(
            "Rows are `application_external_id, legacy_stage, entered_at, left_at` "
            "(CSV with that header, or JSON objects). Each row becomes a milestone "
            "transition with cause `import`, once: a row whose application, legacy stage "
            "and `entered_at` this source system already imported is listed in "
            "`already_imported` and not written again."
        ),
    )
    def post(self, request):
        dry_run = _dry_run(request.query_params.get("dry_run"))
        if not isinstance(request.data, str) and request.content_type.startswith("text/csv"):
            _check_csv_header("")  # an empty body: no header either
        if isinstance(request.data, str):
            source_system = request.query_params.get("source_system", "")
            if not source_system.strip():
                raise InvalidInput(
                    "a CSV import names its source_system in the query string",
                    fields={"source_system": ["This query parameter is required."]},
                )
            _check_csv_header(request.data)
            rows, lines = service.legacy_rows_from_csv(request.data)
        else:
            serializer = LegacyImportInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            source_system = serializer.validated_data["source_system"]
            rows, lines = serializer.validated_data["rows"], None
        result = service.legacy_history_import(
            source_system=source_system,
            rows=rows,
            lines=lines,
            actor=self.actor,
            dry_run=dry_run,
        )
        return Response(
            LegacyImportResultSerializer(result.as_dict()).data, status=200 if dry_run else 201
        )
