from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework.response import Response

from . import serializers
from .base import TenantScopedAPIView
from .errors import error_body

API_PREFIX = "/api/"


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


# -- everything under /api/ answers JSON, unknown routes included --------------------------


def _is_api(request) -> bool:
    return request.path == API_PREFIX.rstrip("/") or request.path.startswith(API_PREFIX)


@csrf_exempt
def api_not_found(request, *args, **kwargs):
    """The last route under /api/: no such route (a trailing slash or a malformed id too)."""
    return JsonResponse(
        error_body("NOT_FOUND", f"No API route {request.path} (paths have no trailing slash)."),
        status=404,
    )


def handler400(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("BAD_REQUEST", "The request is malformed."), status=400)
    return defaults.bad_request(request, exception)


def handler403(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("PERMISSION_DENIED", "Not allowed."), status=403)
    return defaults.permission_denied(request, exception)


def handler404(request, exception=None):
    if _is_api(request):
        return JsonResponse(error_body("NOT_FOUND", "Not found."), status=404)
    return defaults.page_not_found(request, exception)


def handler500(request):
    if _is_api(request):
        return JsonResponse(
            error_body("SERVER_ERROR", "The server failed; the error is logged."), status=500
        )
    return defaults.server_error(request)
