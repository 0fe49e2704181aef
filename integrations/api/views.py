"""Integrations endpoints: connections (admins: config:write for reads too, since they show
where candidate events go), their deliveries, dead letters and their replay."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from ats_milestones.api.base import TenantScopedViewSet
from ats_milestones.api.crud import ServiceViewSet
from ats_milestones.api.schema import (
    DETAIL_ERRORS,
    E400,
    E404,
    E409,
    E422,
    READ_ERRORS,
    crud_schema,
)
from ats_milestones.api.serializers import validated
from ats_milestones.errors import NotFound
from integrations import selectors
from integrations.api import serializers as s
from integrations.api.filters import BackgroundCheckFilter
from integrations.models import BackgroundCheck, Connection, Delivery
from integrations.services import connections as services
from integrations.services.background_checks import (
    background_check_decide,
    background_check_order_retry,
)
from integrations.services.dead_letters import dead_letters_replay
from integrations.services.signing import ROTATION_OVERLAP_HOURS
from tenants.models import ApiScope
from tenants.permissions import Capability

# Every POST documents the whole family: bad input, unknown id, conflict, rule.
POST_ERRORS = {**DETAIL_ERRORS, 400: E400, 404: E404, 409: E409, 422: E422}


class AdminViewSet(ServiceViewSet):
    read_scope = ApiScope.CONFIG_WRITE
    write_scope = ApiScope.CONFIG_WRITE


@crud_schema(
    tag="connections",
    create=s.ConnectionInputSerializer,
    output=s.ConnectionOutputSerializer,
    update=s.ConnectionUpdateSerializer,
)
class ConnectionViewSet(AdminViewSet):
    queryset = Connection.all_tenants.none()
    create_serializer_class = s.ConnectionInputSerializer
    update_serializer_class = s.ConnectionUpdateSerializer
    output_serializer_class = s.ConnectionOutputSerializer

    def tenant_queryset(self):
        return selectors.connection_list(tenant_id=self.tenant_id)

    def perform_create_object(self, *, data):
        auth_secret = data.pop("auth_secret", "")
        signing_secret = data.pop("signing_secret", "")
        connection, secret = services.connection_create(
            tenant_id=self.tenant_id,
            actor=self.actor,
            values=data,
            auth_secret=auth_secret,
            signing_secret=signing_secret,
        )
        connection.validation = services.connection_validate(
            connection=connection, actor=self.actor
        )
        connection.plain_signing_secret = secret
        return connection

    def render(self, instance, *, status_code=200):
        if getattr(instance, "plain_signing_secret", None):
            data = s.ConnectionCreatedSerializer(
                instance, context=self.get_serializer_context()
            ).data
            return Response(data, status=status_code)
        if getattr(instance, "validation", None):
            data = s.ConnectionValidatedSerializer(
                instance, context=self.get_serializer_context()
            ).data
            return Response(data, status=status_code)
        return super().render(instance, status_code=status_code)

    def perform_update_object(self, *, instance, data):
        auth_secret = data.pop("auth_secret", None)
        connection = services.connection_update(
            connection=instance, actor=self.actor, values=data, auth_secret=auth_secret
        )
        if services.connection_needs_validation(data, auth_secret=auth_secret):
            # A new endpoint or auth is validated at once; failing, it is saved disabled.
            connection.validation = services.connection_validate(
                connection=connection, actor=self.actor
            )
        return connection

    @extend_schema(
        tags=["connections"],
        request=None,
        responses={200: s.ValidationOutputSerializer, **POST_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Send a signed test event now; a failing endpoint disables the connection."""
        result = services.connection_validate(connection=self.get_object(), actor=self.actor)
        return Response(s.ValidationOutputSerializer(result).data)

    @extend_schema(
        tags=["connections"],
        request=None,
        responses={200: s.SigningSecretOutputSerializer, **POST_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def rotate_secret(self, request, pk=None):
        """A new signing secret, shown this once; the previous one stays valid for 24 hours."""
        secret = services.connection_rotate_signing_secret(
            connection=self.get_object(), actor=self.actor
        )
        until = timezone.now() + timedelta(hours=ROTATION_OVERLAP_HOURS)
        return Response(
            s.SigningSecretOutputSerializer(
                {"signing_secret": secret, "previous_valid_until": until}
            ).data
        )

    @extend_schema(
        tags=["connections"],
        responses={200: s.DeliveryOutputSerializer(many=True), **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        """The connection's delivery log, newest first."""
        connection = self.get_object()
        queryset = selectors.delivery_list(tenant_id=self.tenant_id, connection_id=connection.pk)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.DeliveryOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=["connections"],
        responses={200: s.InboundReceiptSerializer(many=True), **DETAIL_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def inbound_receipts(self, request, pk=None):
        """What the connection sent to its inbound endpoint, newest first: each webhook-id
        once, with the answer it got (and gets again on a repeat)."""
        connection = self.get_object()
        queryset = selectors.inbound_receipt_list(
            tenant_id=self.tenant_id, connection_id=connection.pk
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.InboundReceiptSerializer(page, many=True).data)


class ReadOnlyAdminViewSet(TenantScopedViewSet):
    read_scope = ApiScope.CONFIG_WRITE
    write_scope = ApiScope.CONFIG_WRITE
    http_method_names = ["get", "post", "head", "options"]


@extend_schema_view(
    retrieve=extend_schema(
        tags=["deliveries"], responses={200: s.DeliveryDetailSerializer, **DETAIL_ERRORS}
    ),
)
class DeliveryViewSet(ReadOnlyAdminViewSet):
    queryset = Delivery.all_tenants.none()
    http_method_names = ["get", "head", "options"]

    def tenant_queryset(self):
        return selectors.delivery_list(tenant_id=self.tenant_id).prefetch_related("attempt_log")

    def retrieve(self, request, pk=None):
        """One delivery with every attempt (status, latency, response excerpt)."""
        return Response(s.DeliveryDetailSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        tags=["dead letters"],
        responses={200: s.DeliveryOutputSerializer(many=True), 400: E400, **READ_ERRORS},
    ),
)
class DeadLetterViewSet(ReadOnlyAdminViewSet):
    queryset = Delivery.all_tenants.none()

    def tenant_queryset(self):
        return selectors.dead_letter_list(tenant_id=self.tenant_id)

    def list(self, request):
        """Deliveries that exhausted their attempts or met a final answer, newest first."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.DeliveryOutputSerializer(page, many=True).data)

    @extend_schema(
        tags=["dead letters"],
        request=None,
        responses={200: s.ReplayOutputSerializer, **POST_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def replay(self, request, pk=None):
        """Put one dead letter back in line (same webhook-id, a fresh retry schedule)."""
        return self._replayed(dead_letters_replay(deliveries=[self.get_object()], actor=self.actor))

    @extend_schema(
        tags=["dead letters"],
        operation_id="dead_letters_replay_many",
        request=s.ReplayInputSerializer,
        responses={200: s.ReplayOutputSerializer, **POST_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="replay", url_name="replay-many")
    def replay_many(self, request):
        """Replay the dead letters named by `ids`, or every one of `connection`."""
        data = validated(s.ReplayInputSerializer, request.data)
        letters = selectors.dead_letter_list(tenant_id=self.tenant_id)
        if data.get("connection"):
            if (
                not selectors.connection_list(tenant_id=self.tenant_id)
                .filter(pk=data["connection"])
                .exists()
            ):
                raise NotFound(
                    "No such connection.", fields={"connection": ["No such connection."]}
                )
            letters = letters.filter(connection_id=data["connection"])
        if data.get("ids"):
            found = list(
                selectors.delivery_list(tenant_id=self.tenant_id).filter(pk__in=data["ids"])
            )
            missing = {str(i) for i in data["ids"]} - {str(d.pk) for d in found}
            if missing:
                raise NotFound("Some deliveries do not exist.", fields={"ids": sorted(missing)})
            letters = found
        return self._replayed(dead_letters_replay(deliveries=list(letters), actor=self.actor))

    def _replayed(self, deliveries):
        return Response(
            s.ReplayOutputSerializer(
                {"replayed": len(deliveries), "ids": [d.pk for d in deliveries]}
            ).data
        )


@extend_schema_view(
    list=extend_schema(
        tags=["background checks"],
        responses={200: s.BackgroundCheckOutputSerializer(many=True), 400: E400, **READ_ERRORS},
    ),
    retrieve=extend_schema(
        tags=["background checks"],
        responses={200: s.BackgroundCheckDetailSerializer, **DETAIL_ERRORS},
    ),
)
class BackgroundCheckViewSet(TenantScopedViewSet):
    """Background checks ordered from the tenant's vendor, their results and history; a
    `consider` result waits for a person's decision (sensitive: view_sensitive to read)."""

    queryset = BackgroundCheck.all_tenants.none()
    read_scope = ApiScope.APPLICATIONS_READ
    write_scope = ApiScope.APPLICATIONS_WRITE
    read_capability = Capability.VIEW_SENSITIVE
    write_capability = Capability.MOVE
    http_method_names = ["get", "post", "head", "options"]
    filterset_class = BackgroundCheckFilter

    def tenant_queryset(self):
        return selectors.background_check_list(tenant_id=self.tenant_id, membership=self.viewer)

    def list(self, request):
        """Newest first; `?application=<id>` for one application's."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.BackgroundCheckOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        """One check with its status history."""
        return Response(s.BackgroundCheckDetailSerializer(self.get_object()).data)

    @extend_schema(
        tags=["background checks"],
        request=s.BackgroundCheckDecisionSerializer,
        responses={200: s.BackgroundCheckDetailSerializer, **POST_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None):
        """A person's decision on a `consider` result once the waiting period is over:
        `proceed` advances the application, `reject` rejects it (409 before the end of
        the waiting period or when nothing waits for a decision)."""
        check = self.get_object()  # another tenant's id is 404 whatever the body
        data = validated(s.BackgroundCheckDecisionSerializer, request.data)
        check = background_check_decide(
            check=check,
            proceed=data["decision"] == "proceed",
            actor=self.actor,
            reason=data.get("reason", ""),
        )
        check = selectors.background_check_list(
            tenant_id=self.tenant_id, membership=self.viewer
        ).get(pk=check.pk)
        return Response(s.BackgroundCheckDetailSerializer(check).data)

    @extend_schema(
        tags=["background checks"],
        request=None,
        responses={200: s.BackgroundCheckDetailSerializer, **DETAIL_ERRORS, 409: E409},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Order a check whose order failed again (`ordering`, a fresh count of tries; the
        order goes out after the answer). `409 ORDER_NOT_FAILED` for any other check."""
        check = background_check_order_retry(check=self.get_object(), actor=self.actor)
        check = selectors.background_check_list(
            tenant_id=self.tenant_id, membership=self.viewer
        ).get(pk=check.pk)
        return Response(s.BackgroundCheckDetailSerializer(check).data)
