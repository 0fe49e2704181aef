from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from .base import TenantScopedAPIView


class PingView(TenantScopedAPIView):
    """Authenticated no-op: authentication and tenant context, no other query.

    The baseline that benchmarks compare every real endpoint against.
    """

    @extend_schema(
        responses=inline_serializer(
            "Ping", {"ok": serializers.BooleanField(), "tenant_id": serializers.UUIDField()}
        )
    )
    def get(self, request):
        return Response({"ok": True, "tenant_id": str(self.tenant_id)})
