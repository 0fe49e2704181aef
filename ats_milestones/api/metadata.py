"""OPTIONS: what a route is and which media types it takes; the body shapes are in the
OpenAPI schema. DRF's default introspects `serializer_class`, which a view that picks its
serializers per method (most of ours) does not have: that was a 500."""

from __future__ import annotations

from rest_framework.metadata import SimpleMetadata


class APIMetadata(SimpleMetadata):
    def determine_actions(self, request, view):
        from rest_framework.generics import GenericAPIView  # not at import: APIView reads us

        has_one = getattr(view, "serializer_class", None) is not None or (
            type(view).get_serializer_class is not GenericAPIView.get_serializer_class
        )
        return super().determine_actions(request, view) if has_one else {}
