"""Alert routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from reporting.api.views import AutomationFailureViewSet, NotificationViewSet

router = SimpleRouter(trailing_slash=False)
router.register("automation_failures", AutomationFailureViewSet, basename="automation_failures")
router.register("notifications", NotificationViewSet, basename="notifications")

urlpatterns = router.urls
