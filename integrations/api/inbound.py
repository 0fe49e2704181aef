"""`POST /api/v1/inbound/{connection_id}`: a peer system's signed event.

Not a tenant-scoped view of the kernel: the caller is authenticated by the Standard
Webhooks signature, not a token or a session, so the tenant comes from the connection. Its
tenant is looked up narrowly (one column, across tenants), then the request runs in it.
A caller that did present our credentials (an API client, a signed-in user) and names
another tenant's connection gets the audited 404 of every other route.
"""

from __future__ import annotations

import uuid

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ats_milestones.api.idempotency import REPLAYED_HEADER
from ats_milestones.api.schema import E400, E404, E422, ErrorSerializer
from ats_milestones.api.throttling import ApiCallerRateThrottle
from ats_milestones.errors import NotFound
from integrations.errors import InboundTooLarge
from integrations.models import Connection
from integrations.services.inbound import MAX_BODY_BYTES, SIGNATURE_HEADERS, inbound_receive
from tenants.access import access_denied
from tenants.actors import Actor
from tenants.authentication import ApiClientTokenAuthentication
from tenants.context import all_tenants_context, tenant_context


class InboundAnswerSerializer(serializers.Serializer):
    webhook_id = serializers.CharField()
    type = serializers.CharField()
    outcome = serializers.CharField()
    result = serializers.DictField(help_text="What the event's handler did.")


def _caller(request) -> tuple[uuid.UUID | None, Actor]:
    """The tenant and actor of a caller that presented our own credentials, if any."""
    try:
        found = ApiClientTokenAuthentication().authenticate(request)
    except exceptions.AuthenticationFailed:
        found = None
    if found is not None:
        client = found[1]
        return client.tenant_id, Actor(api_client_id=client.pk)
    membership = getattr(request._request, "membership", None)
    if membership is not None:
        return membership.tenant_id, Actor(user_id=membership.user_id, role=membership.role)
    return None, Actor()


def _connection_tenant(connection_id) -> uuid.UUID | None:
    with all_tenants_context():  # the narrow look-up: which tenant, nothing else
        return (
            Connection.all_tenants.filter(pk=connection_id, enabled=True)
            .values_list("tenant_id", flat=True)
            .first()
        )


class InboundRateThrottle(ApiCallerRateThrottle):
    """One budget per connection (`inbound_connection` in DEFAULT_THROTTLE_RATES): a peer
    that floods us is answered 429 with Retry-After before its signature is checked."""

    def _caller(self, request):
        connection_id = request.parser_context["kwargs"].get("connection_id")
        return "inbound_connection", f"connection:{connection_id}"


class InboundView(APIView):
    authentication_classes: list = []  # the signature is the authentication
    permission_classes = [AllowAny]
    throttle_classes = [InboundRateThrottle]

    @extend_schema(
        tags=["inbound"],
        operation_id="inbound_receive",
        auth=[],
        request={"application/json": {"type": "object"}},
        parameters=[
            *(
                OpenApiParameter(name, str, OpenApiParameter.HEADER, required=True)
                for name in SIGNATURE_HEADERS
            ),
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Not needed here: a repeat is recognised by its `webhook-id` "
                f"and answered the first answer with `{REPLAYED_HEADER}: true`.",
            ),
        ],
        responses={
            200: OpenApiResponse(
                InboundAnswerSerializer,
                description="Applied (or a repeat of a webhook-id: the first answer, with "
                f"`{REPLAYED_HEADER}: true`).",
            ),
            400: E400,
            401: OpenApiResponse(ErrorSerializer, description="The signature does not verify."),
            404: E404,
            409: OpenApiResponse(ErrorSerializer, description="A handler's conflict."),
            413: OpenApiResponse(ErrorSerializer, description="The body is over 256 KB."),
            422: E422,
        },
    )
    def post(self, request, connection_id):
        """Receive a peer's Standard Webhooks event (`{"type", "timestamp", "data"}`),
        verified by its signature, applied once per `webhook-id`."""
        length = request.META.get("CONTENT_LENGTH") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            raise InboundTooLarge("The body is over 256 KB.", fields={"body": ["At most 256 KB."]})
        caller_tenant, caller = _caller(request)
        tenant_id = _connection_tenant(connection_id)
        if tenant_id is None or (caller_tenant is not None and caller_tenant != tenant_id):
            if caller_tenant is not None:
                with tenant_context(caller_tenant):
                    access_denied(
                        model=Connection,
                        object_id=connection_id,
                        tenant_id=caller_tenant,
                        path=request.path,
                        method=request.method,
                        actor=caller,
                    )
            raise NotFound("No such connection.")
        body = request._request.body
        with tenant_context(tenant_id):
            connection = Connection.objects.get(pk=connection_id)
            answer = inbound_receive(connection=connection, headers=request.headers, body=body)
        response = Response(answer.body, status=answer.status)
        if answer.replayed:
            response[REPLAYED_HEADER] = "true"
        return response
