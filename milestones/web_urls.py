"""Pages of the workflow editor, included under /workflows/ in the `workflows` namespace."""

from django.urls import path

from . import publish_views, rule_views, sandbox_views, timer_views, views

app_name = "workflows"

urlpatterns = [
    path("", views.FrameworkListView.as_view(), name="framework-list"),
    path(
        "frameworks/<uuid:pk>/drafts/",
        views.FrameworkNewDraftView.as_view(),
        name="framework-new-draft",
    ),
    path("versions/<uuid:pk>/", views.VersionDetailView.as_view(), name="version-detail"),
    path("versions/<uuid:pk>/copy/", views.VersionCopyToDraftView.as_view(), name="version-copy"),
    path(
        "versions/<uuid:pk>/publish/",
        publish_views.VersionPublishConfirmView.as_view(),
        name="version-publish",
    ),
    path("versions/<uuid:pk>/pilot/", views.VersionPilotView.as_view(), name="version-pilot"),
    path("versions/<uuid:pk>/milestones/", views.MilestoneAddView.as_view(), name="milestone-add"),
    path(
        "versions/<uuid:pk>/milestones/<uuid:milestone_pk>/",
        views.MilestoneEditView.as_view(),
        name="milestone-edit",
    ),
    path(
        "versions/<uuid:pk>/milestones/<uuid:milestone_pk>/delete/",
        views.MilestoneDeleteView.as_view(),
        name="milestone-delete",
    ),
    path(
        "versions/<uuid:pk>/milestones/<uuid:milestone_pk>/move/",
        views.MilestoneMoveView.as_view(),
        name="milestone-move",
    ),
    path("versions/<uuid:pk>/rules/", rule_views.RuleAddView.as_view(), name="rule-add"),
    path(
        "versions/<uuid:pk>/rules/<uuid:rule_pk>/",
        rule_views.RuleEditView.as_view(),
        name="rule-edit",
    ),
    path(
        "versions/<uuid:pk>/rules/<uuid:rule_pk>/delete/",
        rule_views.RuleDeleteView.as_view(),
        name="rule-delete",
    ),
    path(
        "versions/<uuid:pk>/sandbox/",
        sandbox_views.SandboxRunView.as_view(),
        name="sandbox-run",
    ),
    path(
        "versions/<uuid:pk>/sandbox/<uuid:run_pk>/",
        sandbox_views.SandboxRunDetailView.as_view(),
        name="sandbox-run-detail",
    ),
    # Timers (escalation levels, deadline rules): sections of the version page
    path(
        "versions/<uuid:pk>/escalations/",
        timer_views.EscalationLevelAddView.as_view(),
        name="escalation-add",
    ),
    path(
        "versions/<uuid:pk>/escalations/<uuid:rule_pk>/delete/",
        timer_views.EscalationLevelDeleteView.as_view(),
        name="escalation-delete",
    ),
    path(
        "versions/<uuid:pk>/deadline-rules/",
        timer_views.DeadlineRuleAddView.as_view(),
        name="deadline-rule-add",
    ),
    path(
        "versions/<uuid:pk>/deadline-rules/<uuid:rule_pk>/delete/",
        timer_views.DeadlineRuleDeleteView.as_view(),
        name="deadline-rule-delete",
    ),
]
