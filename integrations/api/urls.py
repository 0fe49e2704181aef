"""Integrations routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

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

urlpatterns = router.urls
