"""Integrations routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from integrations.api import sync
from integrations.api.inbound import InboundView
from integrations.api.views import (
    BackgroundCheckViewSet,
    ConnectionViewSet,
    DeadLetterViewSet,
    DeliveryViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("connections", ConnectionViewSet, basename="connections")
router.register("deliveries", DeliveryViewSet, basename="deliveries")
router.register("dead_letters", DeadLetterViewSet, basename="dead_letters")
router.register("background_checks", BackgroundCheckViewSet, basename="background_checks")
router.register("sync_conflicts", sync.SyncConflictViewSet, basename="sync_conflicts")

urlpatterns = [
    path("inbound/<uuid:connection_id>", InboundView.as_view(), name="inbound"),
    path(
        "connections/<uuid:pk>/field_precedence",
        sync.ConnectionPrecedenceView.as_view(),
        name="connection-field-precedence",
    ),
    path(
        "connections/<uuid:pk>/health",
        sync.ConnectionHealthView.as_view(),
        name="connection-health",
    ),
    path("integration_health", sync.IntegrationHealthView.as_view(), name="integration-health"),
    path(
        "integration_settings",
        sync.IntegrationSettingsView.as_view(),
        name="integration-settings",
    ),
    *router.urls,
]
