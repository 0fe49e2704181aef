"""Integration pages, under /integrations/ in the `integrations` namespace."""

from django.urls import path

from integrations.web import background_checks, views

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
    path("dead-letters/replay/", views.DeadLetterReplayView.as_view(), name="dead-letters-replay"),
    path(
        "dead-letters/<uuid:pk>/replay/",
        views.DeadLetterReplayView.as_view(),
        name="dead-letter-replay",
    ),
]
