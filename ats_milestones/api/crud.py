"""A small CRUD ViewSet: input serializer in, one service call, output serializer out.

Subclasses name their serializers, scopes, filter set and the two service calls
(`perform_create_object`, `perform_update_object`); list, retrieve, create, PUT and
PATCH are wired here, with cursor pagination (the base makes every POST idempotent).
"""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response

from .base import TenantScopedViewSet


class CrudActionsViewSet(TenantScopedViewSet):
    create_serializer_class: type | None = None
    update_serializer_class: type | None = None  # defaults to create_serializer_class
    output_serializer_class: type | None = None
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    # -- hooks ---------------------------------------------------------------------------
    def perform_create_object(self, *, data: dict[str, Any]):
        raise NotImplementedError

    def perform_update_object(self, *, instance, data: dict[str, Any]):
        raise NotImplementedError

    def after_response(self, response: Response, instance) -> Response:
        return response

    # -- helpers -------------------------------------------------------------------------
    def get_serializer_class(self):
        # By method too: OPTIONS metadata asks with a cloned POST/PUT request.
        method = getattr(self.request, "method", "GET")
        if self.action == "create" or method == "POST":
            return self.create_serializer_class
        if self.action in ("update", "partial_update") or method in ("PUT", "PATCH"):
            return self.update_serializer_class or self.create_serializer_class
        return self.output_serializer_class

    def render(self, instance, *, status_code: int = status.HTTP_200_OK) -> Response:
        data = self.output_serializer_class(instance, context=self.get_serializer_context()).data
        return self.after_response(Response(data, status=status_code), instance)

    # -- actions -------------------------------------------------------------------------
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = self.output_serializer_class(
            page, many=True, context=self.get_serializer_context()
        ).data
        return self.get_paginated_response(data)

    def retrieve(self, request, *args, **kwargs):
        return self.render(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.create_serializer_class(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        instance = self.perform_create_object(data=serializer.validated_data)
        return self.render(instance, status_code=status.HTTP_201_CREATED)

    def update(self, request, *args, partial: bool = False, **kwargs):
        instance = self.get_object()
        serializer_class = self.update_serializer_class or self.create_serializer_class
        serializer = serializer_class(
            instance, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        instance = self.perform_update_object(instance=instance, data=serializer.validated_data)
        return self.render(instance)

    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)


class ServiceViewSet(CrudActionsViewSet):
    """The base of every resource ViewSet: CRUD actions (POST guarded by Idempotency-Key,
    as every POST of the API)."""
