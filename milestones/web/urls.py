"""Pages of the milestone module: the workflow editor (included under /workflows/ in the
`workflows` namespace) and the recruiting pages (`recruiting_pages`, at the site root in the
`recruiting` namespace: requisitions, their boards, applications)."""

from django.urls import path

from milestones.web import (
    application_page,
    board,
    publish,
    requisitions,
    rules,
    sandbox,
    timers,
    versions,
)

app_name = "workflows"

urlpatterns = [
    path("", versions.FrameworkListView.as_view(), name="framework-list"),
    path(
        "frameworks/<uuid:pk>/drafts/",
        versions.FrameworkNewDraftView.as_view(),
        name="framework-new-draft",
    ),
    path("versions/<uuid:pk>/", versions.VersionDetailView.as_view(), name="version-detail"),
    path(
        "versions/<uuid:pk>/copy/", versions.VersionCopyToDraftView.as_view(), name="version-copy"
    ),
    path(
        "versions/<uuid:pk>/publish/",
        publish.VersionPublishConfirmView.as_view(),
        name="version-publish",
    ),
    path("versions/<uuid:pk>/pilot/", versions.VersionPilotView.as_view(), name="version-pilot"),
    path(
        "versions/<uuid:pk>/milestones/", versions.MilestoneAddView.as_view(), name="milestone-add"
    ),
    path(
        "versions/<uuid:pk>/milestones/<uuid:milestone_pk>/",
        versions.MilestoneEditView.as_view(),
        name="milestone-edit",
    ),
    path(
        "versions/<uuid:pk>/milestones/<uuid:milestone_pk>/delete/",
        versions.MilestoneDeleteView.as_view(),
        name="milestone-delete",
    ),
    path(
        "versions/<uuid:pk>/milestones/<uuid:milestone_pk>/move/",
        versions.MilestoneMoveView.as_view(),
        name="milestone-move",
    ),
    path("versions/<uuid:pk>/rules/", rules.RuleAddView.as_view(), name="rule-add"),
    path(
        "versions/<uuid:pk>/rules/<uuid:rule_pk>/",
        rules.RuleEditView.as_view(),
        name="rule-edit",
    ),
    path(
        "versions/<uuid:pk>/rules/<uuid:rule_pk>/delete/",
        rules.RuleDeleteView.as_view(),
        name="rule-delete",
    ),
    path(
        "versions/<uuid:pk>/sandbox/",
        sandbox.SandboxRunView.as_view(),
        name="sandbox-run",
    ),
    path(
        "versions/<uuid:pk>/sandbox/<uuid:run_pk>/",
        sandbox.SandboxRunDetailView.as_view(),
        name="sandbox-run-detail",
    ),
    # Timers (escalation levels, deadline rules): sections of the version page
    path(
        "versions/<uuid:pk>/escalations/",
        timers.EscalationLevelAddView.as_view(),
        name="escalation-add",
    ),
    path(
        "versions/<uuid:pk>/escalations/<uuid:rule_pk>/delete/",
        timers.EscalationLevelDeleteView.as_view(),
        name="escalation-delete",
    ),
    path(
        "versions/<uuid:pk>/deadline-rules/",
        timers.DeadlineRuleAddView.as_view(),
        name="deadline-rule-add",
    ),
    path(
        "versions/<uuid:pk>/deadline-rules/<uuid:rule_pk>/delete/",
        timers.DeadlineRuleDeleteView.as_view(),
        name="deadline-rule-delete",
    ),
]


recruiting_pages = [
    path("requisitions/", requisitions.RequisitionListView.as_view(), name="requisition-list"),
    path(
        "requisitions/<uuid:pk>/",
        requisitions.RequisitionDetailView.as_view(),
        name="requisition-detail",
    ),
    path(
        "requisitions/<uuid:pk>/access/",
        requisitions.RequisitionAccessView.as_view(),
        name="requisition-access",
    ),
    path(
        "requisitions/<uuid:pk>/board/",
        board.RequisitionBoardView.as_view(),
        name="requisition-board",
    ),
    path("applications/", requisitions.ApplicationListView.as_view(), name="application-list"),
    path(
        "applications/<uuid:pk>/",
        application_page.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
]
