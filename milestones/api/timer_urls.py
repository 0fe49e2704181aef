"""Timer routes (escalation levels, deadline rules, business calendar, deadline dates)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from milestones.api.timers import (
    ApplicationDeadlinesView,
    ApplicationDeadlineView,
    BusinessHoursView,
    DeadlineRuleViewSet,
    EscalationRuleViewSet,
    HolidayViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("escalation_rules", EscalationRuleViewSet, basename="escalation_rule")
router.register("deadline_rules", DeadlineRuleViewSet, basename="deadline_rule")
router.register("holidays", HolidayViewSet, basename="holiday")

urlpatterns = [
    *router.urls,
    path("business_hours", BusinessHoursView.as_view(), name="business-hours"),
    path(
        "applications/<uuid:pk>/deadlines",
        ApplicationDeadlinesView.as_view(),
        name="application-deadlines",
    ),
    path(
        "applications/<uuid:pk>/deadlines/<str:kind>",
        ApplicationDeadlineView.as_view(),
        name="application-deadline",
    ),
]
