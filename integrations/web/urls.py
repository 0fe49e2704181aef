"""Integration pages, under /integrations/ in the `integrations` namespace."""

from django.urls import path

from integrations.web import background_checks, health, views

app_name = "integrations"

urlpatterns = [
    path("", views.ConnectionListView.as_view(), name="connection-list"),
    path("connections/<uuid:pk>/", views.ConnectionDetailView.as_view(), name="connection-detail"),
    path(
        "connections/<uuid:pk>/validate/",
        views.ConnectionValidateView.as_view(),
        name="connection-validate",
    ),
    path(
        "connections/<uuid:pk>/enabled/",
        views.ConnectionEnableView.as_view(),
        name="connection-enable",
    ),
    path(
        "connections/<uuid:pk>/health/",
        health.ConnectionHealthView.as_view(),
        name="connection-health",
    ),
    path(
        "connections/<uuid:pk>/precedence/",
        health.ConnectionPrecedenceView.as_view(),
        name="connection-precedence",
    ),
    path("health/", health.HealthOverviewView.as_view(), name="health"),
    path("conflicts/", health.ConflictListView.as_view(), name="conflicts"),
    path(
        "conflicts/<uuid:pk>/resolve/",
        health.ConflictResolveView.as_view(),
        name="conflict-resolve",
    ),
    path("dead-letters/", views.DeadLetterListView.as_view(), name="dead-letters"),
    path(
        "background-checks/",
        background_checks.BackgroundCheckListView.as_view(),
        name="background-checks",
    ),
    path(
        "background-checks/<uuid:pk>/decision/",
        background_checks.BackgroundCheckDecisionView.as_view(),
        name="background-check-decision",
    ),
    path(
        "background-checks/<uuid:pk>/retry/",
        background_checks.BackgroundCheckRetryView.as_view(),
        name="background-check-retry",
    ),
    path("dead-letters/replay/", views.DeadLetterReplayView.as_view(), name="dead-letters-replay"),
    path(
        "dead-letters/<uuid:pk>/replay/",
        views.DeadLetterReplayView.as_view(),
        name="dead-letter-replay",
    ),
]
