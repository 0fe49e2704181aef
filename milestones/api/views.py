"""Milestone API: thin views that parse, call one service or selector, and render."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedAPIView, TenantScopedViewSet
from ats_milestones.api.schema import (
    E404,
    ErrorSerializer,
    error_codes,
    with_common_errors,
)
from ats_milestones.api.serializers import validated
from milestones import selectors, services
from milestones.api import serializers as s
from milestones.api.sandbox import (
    SANDBOX_RUN_ERRORS,
    SandboxRunOutputSerializer,
    SandboxRunSummarySerializer,
    SandboxScenarioSerializer,
)
from milestones.errors import MilestoneErrorCode
from milestones.models import Framework, FrameworkVersion, MilestoneSettings
from milestones.services.sandbox.runs import sandbox_run
from recruiting.models import Requisition
from recruiting.selectors import requisitions_visible
from tenants.models import ApiScope

Code = MilestoneErrorCode


ERR_400 = OpenApiResponse(ErrorSerializer, description="Invalid input; `fields` names each.")
ERR_404 = E404
CONFIG_400 = OpenApiResponse(
    ErrorSerializer,
    description=error_codes(
        "VALIDATION_ERROR",
        "INVALID_INPUT",
        Code.INVALID_MILESTONE_CODE,
        Code.DUPLICATE_MILESTONE_CODE,
        Code.INVALID_GATE_CONDITION,
        Code.REQUISITION_TYPE_TAKEN,
    ),
)
CONFIG_409 = OpenApiResponse(
    ErrorSerializer,
    description="A concurrent request created the same unique row first (e.g. a framework "
    "name); re-read and retry. " + error_codes("CONFLICT"),
)
CONFIG_422 = OpenApiResponse(
    ErrorSerializer,
    description=error_codes(
        Code.VERSION_NOT_EDITABLE, Code.VERSION_EMPTY, Code.INVALID_STATUS_CHANGE
    ),
)


#: Every configuration write can answer these besides 401/403.
CONFIG_WRITE_ERRORS = {400: CONFIG_400, 404: ERR_404, 409: CONFIG_409, 422: CONFIG_422}


# -- frameworks ----------------------------------------------------------------------------


@extend_schema(tags=["milestone frameworks"])
class FrameworkViewSet(TenantScopedViewSet):
    """Milestone frameworks of your tenant (`config:read` / `config:write`)."""

    queryset = Framework.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = s.FrameworkOutputSerializer

    def tenant_queryset(self):
        return selectors.framework_list()

    @extend_schema(responses=with_common_errors({200: s.FrameworkOutputSerializer(many=True)}))
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.FrameworkOutputSerializer(page, many=True).data)

    @extend_schema(responses=with_common_errors({200: s.FrameworkOutputSerializer}, {404: ERR_404}))
    def retrieve(self, request, pk=None):
        return Response(s.FrameworkOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=s.FrameworkInputSerializer,
        responses=with_common_errors({201: s.FrameworkOutputSerializer}, CONFIG_WRITE_ERRORS),
    )
    def create(self, request):
        data = validated(s.FrameworkInputSerializer, request.data)
        framework = services.framework_create(**data)
        return Response(s.FrameworkOutputSerializer(framework).data, status=201)

    @extend_schema(
        request=s.FrameworkInputSerializer(partial=True),
        responses=with_common_errors({200: s.FrameworkOutputSerializer}, CONFIG_WRITE_ERRORS),
    )
    def partial_update(self, request, pk=None):
        framework = self.get_object()
        data = validated(s.FrameworkInputSerializer, request.data, partial=True)
        framework = services.framework_update(framework=framework, **data)
        return Response(s.FrameworkOutputSerializer(framework).data)

    @extend_schema(responses=with_common_errors({204: None}, {404: ERR_404, 422: CONFIG_422}))
    def destroy(self, request, pk=None):
        services.framework_delete(framework=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses=with_common_errors(
            {200: s.FrameworkVersionOutputSerializer(many=True)}, {404: ERR_404}
        ),
    )
    @extend_schema(
        methods=["POST"],
        request=None,
        responses=with_common_errors(
            {201: s.FrameworkVersionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
        description="Start an empty draft version.",
    )
    # Every version of the framework in one array, not cursor pages (a framework has few).
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def versions(self, request, pk=None):
        framework = self.get_object()
        if request.method == "POST":
            draft = services.framework_version_create_draft(framework=framework)
            return Response(s.FrameworkVersionOutputSerializer(draft).data, status=201)
        versions = selectors.framework_version_list().filter(framework=framework)
        return Response(s.FrameworkVersionOutputSerializer(versions, many=True).data)


@extend_schema(tags=["milestone frameworks"])
class FrameworkVersionViewSet(TenantScopedViewSet):
    """Versions and their milestones. Only a draft changes; publish freezes it."""

    queryset = FrameworkVersion.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    serializer_class = s.FrameworkVersionOutputSerializer

    def tenant_queryset(self):
        return selectors.framework_version_list()

    def _render(self, version: FrameworkVersion, code: int = 200) -> Response:
        version = selectors.framework_version_list().get(pk=version.pk)
        return Response(s.FrameworkVersionOutputSerializer(version).data, status=code)

    @extend_schema(
        responses=with_common_errors({200: s.FrameworkVersionOutputSerializer}, {404: ERR_404})
    )
    def retrieve(self, request, pk=None):
        return Response(s.FrameworkVersionOutputSerializer(self.get_object()).data)

    @extend_schema(
        request=None,
        responses=with_common_errors(
            {201: s.FrameworkVersionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @action(detail=True, methods=["post"], url_path="copy_to_draft")
    def copy_to_draft(self, request, pk=None):
        """A new draft with this version's milestones: how a published version is edited."""
        draft = services.framework_version_copy_to_draft(version=self.get_object())
        return self._render(draft, 201)

    @extend_schema(
        methods=["GET"],
        responses=with_common_errors({200: SandboxRunSummarySerializer(many=True)}, {404: ERR_404}),
        description="This version's sandbox runs, newest first, cursor-paginated like every "
        "list; each is a summary (steps counted in all and by kind). Read one run's scenario "
        "and steps with `GET /api/v1/sandbox_runs/{id}`.",
    )
    @extend_schema(
        methods=["POST"],
        request=SandboxScenarioSerializer,
        description="Simulate a scenario against this version (any status, drafts included).",
        responses=with_common_errors(
            {
                201: OpenApiResponse(
                    SandboxRunOutputSerializer,
                    description="What the version's rules would do, step by step in time "
                    "order. Nothing but the run itself is written.",
                )
            },
            SANDBOX_RUN_ERRORS,
        ),
    )
    @action(detail=True, methods=["get", "post"], url_path="sandbox_runs")
    def sandbox_runs(self, request, pk=None):
        """Simulate a scenario against this version (any status, drafts included), or list
        the runs made so far."""
        version = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(selectors.sandbox_run_list(version_id=version.pk))
            return self.get_paginated_response(SandboxRunSummarySerializer(page, many=True).data)
        run = sandbox_run(version=version, scenario=request.data, actor=self.actor)
        return Response(SandboxRunOutputSerializer(run).data, status=201)

    @extend_schema(
        request=s.MilestoneDefinitionInputSerializer,
        responses=with_common_errors(
            {201: s.MilestoneDefinitionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @action(detail=True, methods=["post"])
    def milestones(self, request, pk=None):
        """Append a milestone to a draft."""
        version = self.get_object()
        data = validated(s.MilestoneDefinitionInputSerializer, request.data)
        definition = services.milestone_definition_create(version=version, **data)
        return Response(s.MilestoneDefinitionOutputSerializer(definition).data, status=201)

    @extend_schema(
        methods=["PATCH"],
        request=s.MilestoneDefinitionInputSerializer(partial=True),
        responses=with_common_errors(
            {200: s.MilestoneDefinitionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @extend_schema(
        methods=["DELETE"],
        responses=with_common_errors({204: None}, {404: ERR_404, 422: CONFIG_422}),
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"milestones/(?P<code>[^/]+)")
    def milestone(self, request, pk=None, code=None):
        version = self.get_object()
        definition = get_object_or_404(version.milestones.all(), code=code)
        if request.method == "DELETE":
            services.milestone_definition_delete(definition=definition)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = validated(s.MilestoneDefinitionInputSerializer, request.data, partial=True)
        definition = services.milestone_definition_update(definition=definition, **data)
        return Response(s.MilestoneDefinitionOutputSerializer(definition).data)

    @extend_schema(
        request=s.ReorderInputSerializer,
        responses=with_common_errors(
            {200: s.FrameworkVersionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @action(detail=True, methods=["post"], url_path="milestones_order")
    def reorder(self, request, pk=None):
        """Put the draft's milestones in the order of `codes` (each code once)."""
        version = self.get_object()
        data = validated(s.ReorderInputSerializer, request.data)
        services.milestone_definitions_reorder(version=version, codes=data["codes"])
        return self._render(version)

    @extend_schema(
        request=None,
        responses=with_common_errors(
            {200: s.FrameworkVersionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Make this draft or pilot the active version; the previous active one retires.
        Requisitions already pinned keep their version."""
        return self._render(services.framework_version_publish(version=self.get_object()))

    @extend_schema(
        request=s.PilotInputSerializer,
        responses=with_common_errors(
            {200: s.FrameworkVersionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @action(detail=True, methods=["post"])
    def pilot(self, request, pk=None):
        """Publish this draft for the listed departments only."""
        version = self.get_object()
        data = validated(s.PilotInputSerializer, request.data)
        version = services.framework_version_pilot(
            version=version, department_ids=data["department_ids"]
        )
        return self._render(version)

    @extend_schema(
        request=None,
        responses=with_common_errors(
            {200: s.FrameworkVersionOutputSerializer}, CONFIG_WRITE_ERRORS
        ),
    )
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._render(services.framework_version_retire(version=self.get_object()))


@extend_schema(tags=["milestone frameworks"])
class MilestoneSettingsView(TenantScopedAPIView):
    """Your tenant's milestone settings: the naming convention of milestone codes."""

    queryset = MilestoneSettings.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE

    def tenant_queryset(self):
        return selectors.milestone_settings_list()

    @extend_schema(responses=with_common_errors({200: s.MilestoneSettingsSerializer}))
    def get(self, request):
        settings = selectors.milestone_settings_get()
        return Response(s.MilestoneSettingsSerializer(settings).data)

    @extend_schema(
        request=s.MilestoneSettingsSerializer,
        responses=with_common_errors(
            {200: s.MilestoneSettingsSerializer}, {400: ERR_400, 404: ERR_404, 409: CONFIG_409}
        ),
        description="`code_pattern` is a regular expression every new milestone code must match.",
    )
    def patch(self, request):
        data = validated(s.MilestoneSettingsSerializer, request.data)
        settings = services.milestone_settings_update(code_pattern=data["code_pattern"])
        return Response(s.MilestoneSettingsSerializer(settings).data)


# -- requisitions and applications ---------------------------------------------------------


@extend_schema(tags=["milestones"])
class RequisitionFrameworkVersionView(TenantScopedAPIView):
    """The framework version a requisition is pinned to (null when none applied)."""

    queryset = Requisition.all_tenants.none()  # never evaluated; tells schema tools the model
    read_scope = ApiScope.REQUISITIONS_READ

    def tenant_queryset(self):
        return requisitions_visible(Requisition.objects.all(), membership=self.viewer)

    @extend_schema(
        responses=with_common_errors({200: s.RequisitionFrameworkVersionSerializer}, {404: ERR_404})
    )
    def get(self, request, pk):
        requisition = self.get_object()
        version = (
            selectors.framework_version_list().get(pk=requisition.framework_version_id)
            if requisition.framework_version_id
            else None
        )
        return Response(
            {
                "requisition_id": str(requisition.pk),
                "framework_version": (
                    s.FrameworkVersionOutputSerializer(version).data if version else None
                ),
            }
        )
