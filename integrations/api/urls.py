"""Integrations routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from integrations.api.views import ConnectionViewSet, DeadLetterViewSet, DeliveryViewSet

router = SimpleRouter(trailing_slash=False)
router.register("connections", ConnectionViewSet, basename="connections")
router.register("deliveries", DeliveryViewSet, basename="deliveries")
router.register("dead_letters", DeadLetterViewSet, basename="dead_letters")

urlpatterns = router.urls
