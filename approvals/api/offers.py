"""Offers and approval policies over the API."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework.decorators import action
from rest_framework.response import Response

from approvals import selectors, services
from approvals.api import filters
from approvals.api import serializers as s
from approvals.api.acting import acting_actor
from approvals.api.visibility import visible_rows
from approvals.models import ApprovalPolicy, ApprovalPolicyVersion, Offer
from ats_milestones.api.crud import ServiceViewSet
from ats_milestones.api.etag import etag_of, expected_version_from
from ats_milestones.api.schema import (
    DETAIL_ERRORS,
    E400,
    E404,
    E409,
    E422,
    IF_MATCH_PARAMETER,
    ErrorSerializer,
    crud_schema,
    error_codes,
)
from ats_milestones.api.serializers import validated
from ats_milestones.errors import InvalidInput, NotFound
from recruiting.models import Application, Requisition
from tenants.models import ApiScope
from tenants.permissions import Capability

ETAG_HEADER = OpenApiParameter(
    name="ETag",
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description='The version to send back in If-Match, e.g. "3".',
    response=[200, 201],
)
POST_ERRORS = {**DETAIL_ERRORS, 400: E400, 404: E404, 409: E409, 422: E422}


@crud_schema(
    tag="offers",
    create=s.OfferCreateSerializer,
    update=s.OfferUpdateSerializer,
    output=s.OfferOutputSerializer,
    detail_headers=(IF_MATCH_PARAMETER,),
    response_headers=(ETAG_HEADER,),
)
class OfferViewSet(ServiceViewSet):
    """An application's offer (one each). A PATCH of a material term (title, salary,
    currency, bonus, equity, start date, employment type) writes a new version, voids the
    open or approved round and starts a new one; the answer names both."""

    queryset = Offer.all_tenants.none()
    read_scope = ApiScope.APPROVALS_READ
    write_scope = ApiScope.APPROVALS_WRITE
    read_capability = Capability.VIEW
    write_capability = Capability.REQUEST_APPROVAL
    create_serializer_class = s.OfferCreateSerializer
    update_serializer_class = s.OfferUpdateSerializer
    output_serializer_class = s.OfferOutputSerializer
    filterset_class = filters.OfferFilter

    def tenant_queryset(self):
        return visible_rows(self, selectors.offer_list(), via="application__requisition__")

    def perform_create_object(self, *, data):
        actor = acting_actor(self, data)
        return services.offer_create(application=data.pop("application"), actor=actor, **data)

    def perform_update_object(self, *, instance, data):
        actor = acting_actor(self, data)
        updated = services.offer_update(
            offer=instance,
            actor=actor,
            changes=data,
            expected_version=expected_version_from(self.request),
        )
        offer = updated.offer
        offer.material_change = updated.material
        offer.voided_round = updated.voided
        offer.restarted_round = updated.restarted
        return offer

    def render(self, instance, *, status_code: int = 200) -> Response:
        if self.action in ("update", "partial_update"):
            data = s.OfferUpdatedSerializer(instance).data
            return self.after_response(Response(data, status=status_code), instance)
        return super().render(instance, status_code=status_code)

    def after_response(self, response: Response, instance) -> Response:
        response["ETag"] = etag_of(instance.version)
        return response


_OFFER_UPDATE_SCHEMA = extend_schema(
    tags=["offers"],
    request=s.OfferUpdateSerializer,
    parameters=[IF_MATCH_PARAMETER, ETAG_HEADER],
    responses={
        200: OpenApiResponse(
            s.OfferUpdatedSerializer,
            description="Changed; `voided_round` / `restarted_round` name the rounds a "
            "material change voided and started.",
        ),
        400: E400,
        404: E404,
        409: OpenApiResponse(
            ErrorSerializer, description=error_codes("STALE_VERSION", "ROUND_ALREADY_OPEN")
        ),
    },
)
OfferViewSet = extend_schema_view(update=_OFFER_UPDATE_SCHEMA, partial_update=_OFFER_UPDATE_SCHEMA)(
    OfferViewSet
)


@crud_schema(
    tag="approval policies",
    create=s.PolicyCreateSerializer,
    update=s.PolicyUpdateSerializer,
    output=s.PolicyOutputSerializer,
)
class ApprovalPolicyViewSet(ServiceViewSet):
    """Approval policies in the order they are tried (the first whose conditions hold is
    used); an edit of steps or conditions makes a new version (rounds keep theirs)."""

    queryset = ApprovalPolicy.all_tenants.none()
    read_scope = ApiScope.CONFIG_READ
    write_scope = ApiScope.CONFIG_WRITE
    read_capability = Capability.VIEW
    write_capability = Capability.CONFIGURE_WORKFLOWS
    create_serializer_class = s.PolicyCreateSerializer
    update_serializer_class = s.PolicyUpdateSerializer
    output_serializer_class = s.PolicyOutputSerializer

    def tenant_queryset(self):
        return selectors.approval_policy_list()

    def perform_create_object(self, *, data):
        return services.approval_policy_create(actor=self.actor, **data)

    def perform_update_object(self, *, instance, data):
        return services.approval_policy_update(policy=instance, actor=self.actor, **data)

    @extend_schema(
        tags=["approval policies"],
        responses={200: s.PolicyVersionSerializer(many=True), **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def versions(self, request, pk=None):
        """Every version of the policy, oldest first."""
        policy = self.get_object()
        versions = ApprovalPolicyVersion.objects.filter(policy=policy).order_by("number")
        return Response(s.PolicyVersionSerializer(versions, many=True).data)

    @extend_schema(
        tags=["approval policies"],
        request=s.PolicyOrderSerializer,
        responses={200: s.PolicyOutputSerializer(many=True), **POST_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def order(self, request):
        """Set the order policies are tried in: `policies` lists ids, first tried first."""
        ids = validated(s.PolicyOrderSerializer, request.data)["policies"]
        if len(set(ids)) != len(ids):
            raise InvalidInput("Name each policy once.", fields={"policies": ["duplicates"]})
        found = {p.pk: p for p in self.get_queryset().filter(pk__in=ids)}
        missing = [str(i) for i in ids if i not in found]
        if missing:
            raise NotFound("No such policy.", fields={"policies": missing})
        with transaction.atomic():
            for n, pk in enumerate(ids, start=1):
                if found[pk].position != n * 10:
                    services.approval_policy_update(
                        policy=found[pk], actor=self.actor, position=n * 10
                    )
        return Response(s.PolicyOutputSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        tags=["approval policies"],
        request=s.PreviewInputSerializer,
        responses={
            200: s.PreviewOutputSerializer,
            **POST_ERRORS,
        },
    )
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Which policy and which of its steps would apply to a sample requisition and
        offer, and why (writes nothing)."""
        data = validated(s.PreviewInputSerializer, request.data)
        subject = _sample_subject(data)
        version = None
        policy = data.get("policy")
        if policy is not None:
            number = data.get("version") or policy.current_version.number
            version = policy.versions.filter(number=number).select_related("policy").first()
            if version is None:
                raise NotFound("The policy has no such version.", fields={"version": [number]})
        preview = services.approval_preview(subject=subject, policy_version=version)
        return Response(s.preview_data(preview))


def _sample_subject(data: dict):
    """An unsaved requisition, application and offer built from the preview's sample."""
    requisition = data.get("requisition")
    if requisition is None:
        missing = {
            name: ["required without requisition"]
            for name in ("department", "requisition_type")
            if data.get(name) is None
        }
        if missing:
            raise InvalidInput("Describe the sample requisition.", fields=missing)
        requisition = Requisition(
            title="Sample requisition",
            department=data["department"],
            requisition_type=data["requisition_type"],
        )
    for name in ("salary_band_min", "salary_band_max"):
        if name in data:
            setattr(requisition, name, None if data[name] is None else Decimal(data[name]))
    if "salary_band_currency" in data:
        requisition.salary_band_currency = data["salary_band_currency"]
    application = Application(requisition=requisition, hire_type=data.get("hire_type", "standard"))
    offer = Offer(
        application=application,
        title="Sample offer",
        salary_amount=Decimal(data.get("salary_amount", "0")),
        salary_currency=data.get("salary_currency", requisition.salary_band_currency or "USD"),
        employment_type=data.get("employment_type", "full_time"),
    )
    return services.ApprovalSubject(
        "offer", requisition=requisition, application=application, offer=offer
    )
