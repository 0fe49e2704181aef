"""Publish preview API: what the in-flight applications would do differently on a draft.

`POST /api/v1/framework_versions/{id}/publish_preview` reads only (nothing is stored):
milestones/services/publish_preview.py simulates each in-flight application of the
version the draft would replace under both versions and answers the differences.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from ats_milestones.api import serializers
from ats_milestones.api.base import TenantScopedAPIView
from ats_milestones.api.schema import E401, E403, E404, ErrorSerializer
from milestones import selectors
from milestones.api.sandbox import SandboxStepSerializer
from milestones.core.diff import COMPARED_FIELDS, DIFFERENCE_KINDS
from milestones.core.simulation import STEP_KINDS
from milestones.errors import MilestoneErrorCode as Code
from milestones.models import FrameworkVersion
from milestones.services.sandbox.publish_preview import (
    HORIZON_DAYS,
    HORIZON_DEFAULT,
    LIMIT,
    MAX_EVENTS,
    framework_version_publish_preview,
)
from milestones.services.sandbox.runs import scenario_object
from tenants.models import ApiScope


class PreviewEventSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="The event type, e.g. `assessment.completed`.")
    payload = serializers.DictField(required=False, help_text="The event's payload.")
    after_hours = serializers.FloatField(
        required=False,
        default=0,
        help_text="Hours after the preview's start (0 to the horizon); default 0.",
    )


class PublishPreviewInputSerializer(serializers.Serializer):
    """Optional (validated by the service, which names a bad field by its path)."""

    horizon_days = serializers.IntegerField(
        required=False,
        default=HORIZON_DEFAULT,
        min_value=HORIZON_DAYS[0],
        max_value=HORIZON_DAYS[1],
        help_text="How far ahead to simulate, in days (1–366).",
    )
    events = PreviewEventSerializer(
        many=True,
        required=False,
        help_text=f"At most {MAX_EVENTS}; each happens to every compared application.",
    )
    limit = serializers.IntegerField(
        required=False,
        default=50,
        min_value=LIMIT[0],
        max_value=LIMIT[1],
        help_text="How many in-flight applications to compare, most recently updated first.",
    )


class PreviewVersionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    status = serializers.CharField()


class PreviewSummarySerializer(serializers.Serializer):
    in_flight = serializers.IntegerField(help_text="Active applications on the replaced version.")
    compared = serializers.IntegerField()
    changed = serializers.IntegerField(help_text="Compared applications that would differ.")
    unchanged = serializers.IntegerField()
    changed_as_new = serializers.IntegerField(
        help_text="Compared applications whose like, applying now, would differ."
    )
    could_not_map = serializers.IntegerField()
    not_compared = serializers.IntegerField(help_text="In flight beyond `limit`.")


class PreviewDifferenceSerializer(serializers.Serializer):
    change = serializers.ChoiceField(choices=DIFFERENCE_KINDS)
    kind = serializers.ChoiceField(choices=STEP_KINDS)
    from_code = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()
    fields = serializers.ListField(
        child=serializers.ChoiceField(choices=COMPARED_FIELDS),
        help_text="What differs in a `changed` pair.",
    )
    old = SandboxStepSerializer(allow_null=True, help_text="The step under the replaced version.")
    new = SandboxStepSerializer(allow_null=True, help_text="The step under this version.")
    summary = serializers.CharField(help_text="The difference in words.")


class PreviewMilestoneSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PreviewApplicationSerializer(serializers.Serializer):
    application_id = serializers.UUIDField()
    candidate = serializers.CharField(help_text="The candidate's display name.")
    current_milestone = PreviewMilestoneSerializer(allow_null=True)
    differences = PreviewDifferenceSerializer(many=True, help_text="In flight.")
    as_new_differences = PreviewDifferenceSerializer(
        many=True, help_text="For a new application like this one, applying now."
    )


class PreviewUnmappedSerializer(serializers.Serializer):
    application_id = serializers.UUIDField()
    candidate = serializers.CharField()
    current_milestone = PreviewMilestoneSerializer(allow_null=True)
    reason = serializers.CharField()


class PublishPreviewOutputSerializer(serializers.Serializer):
    version = PreviewVersionSerializer()
    replaces = PreviewVersionSerializer(allow_null=True, help_text="The active version.")
    horizon_days = serializers.IntegerField()
    clock_start = serializers.DateTimeField()
    clock_end = serializers.DateTimeField()
    events = PreviewEventSerializer(many=True)
    limit = serializers.IntegerField()
    note = serializers.CharField(help_text="Why nothing was compared, when nothing was.")
    summary = PreviewSummarySerializer()
    applications = PreviewApplicationSerializer(many=True, help_text="Only those that differ.")
    could_not_map = PreviewUnmappedSerializer(many=True)


PREVIEW_ERRORS = {
    400: OpenApiResponse(
        ErrorSerializer,
        description="Bad input; `fields` names it by its path, e.g. `events[0].type` or "
        f"`horizon_days`. Error codes: `{Code.INVALID_SCENARIO}`.",
    ),
    404: E404,
    409: OpenApiResponse(
        ErrorSerializer,
        description="Not answered by this operation (409 reserved): a preview writes nothing "
        "and conflicts with nothing.",
    ),
    422: OpenApiResponse(
        ErrorSerializer,
        description="The version is already active or retired: nothing is about to be "
        f"published. Error codes: `{Code.INVALID_STATUS_CHANGE}`.",
    ),
}


@extend_schema(tags=["milestone frameworks"])
class FrameworkVersionPublishPreviewView(TenantScopedAPIView):
    """What publishing this draft or pilot would change for the applications in flight."""

    queryset = FrameworkVersion.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = PublishPreviewOutputSerializer

    def tenant_queryset(self):
        return selectors.framework_version_list()

    @extend_schema(
        operation_id="framework_versions_publish_preview",
        request=PublishPreviewInputSerializer,
        responses={
            200: OpenApiResponse(
                PublishPreviewOutputSerializer,
                description="The in-flight applications of the active version (the one "
                "this version would replace), simulated from now for `horizon_days` under "
                "both versions with the same events, and the differences of each. Nothing "
                "is written.",
            ),
            401: E401,
            403: E403,
            **PREVIEW_ERRORS,
        },
    )
    def post(self, request, pk):
        """Simulate the in-flight applications under the active version and this one."""
        version = self.get_object()
        body = scenario_object(request.data or {}, "body")
        preview = framework_version_publish_preview(
            version=version,
            now=timezone.now(),
            horizon_days=body.get("horizon_days", HORIZON_DEFAULT),
            events=body.get("events"),
            limit=body.get("limit", 50),
        )
        return Response(preview)
