"""Approvals pages, at the site root in the `approvals` namespace: My approvals (the link of
the approval emails), delegations, the offer page of an application and the page of any
other round (a requisition's opening, a milestone's clearance) with an admin's overrides,
the overrides awaiting a second admin, and the policy editor."""

from django.urls import path

from approvals.web import decide, delegations, mine, offer, overrides, policies, round_page

app_name = "approvals"

urlpatterns = [
    path("approvals/", mine.MyApprovalsView.as_view(), name="mine"),
    path("approvals/rounds/<uuid:pk>/", round_page.RoundPageView.as_view(), name="round"),
    path("approvals/rounds/<uuid:pk>/decide/", decide.DecideView.as_view(), name="decide"),
    path(
        "approvals/rounds/<uuid:pk>/replace-approver/",
        overrides.RoundReplaceApproverView.as_view(),
        name="round-replace-approver",
    ),
    path(
        "approvals/rounds/<uuid:pk>/decide-on-behalf/",
        overrides.RoundDecideOnBehalfView.as_view(),
        name="round-decide-on-behalf",
    ),
    path(
        "requisitions/<uuid:pk>/opening-approval/",
        round_page.RequisitionOpeningView.as_view(),
        name="requisition-opening",
    ),
    path(
        "applications/<uuid:pk>/milestone-approval/",
        round_page.MilestoneClearanceView.as_view(),
        name="milestone-clearance",
    ),
    path("applications/<uuid:pk>/offer/", offer.OfferPageView.as_view(), name="offer"),
    path(
        "applications/<uuid:pk>/offer/request/",
        offer.OfferRequestView.as_view(),
        name="offer-request",
    ),
    path(
        "applications/<uuid:pk>/offer/withdraw/",
        offer.OfferWithdrawView.as_view(),
        name="offer-withdraw",
    ),
    path(
        "applications/<uuid:pk>/offer/replace-approver/",
        overrides.OfferReplaceApproverView.as_view(),
        name="offer-replace-approver",
    ),
    path(
        "applications/<uuid:pk>/offer/decide-on-behalf/",
        overrides.OfferDecideOnBehalfView.as_view(),
        name="offer-decide-on-behalf",
    ),
    path("approvals/delegations/", delegations.DelegationsView.as_view(), name="delegations"),
    path(
        "approvals/delegations/<uuid:pk>/cancel/",
        delegations.DelegationCancelView.as_view(),
        name="delegation-cancel",
    ),
    path("approvals/overrides/", overrides.OverrideListView.as_view(), name="overrides"),
    path(
        "approvals/overrides/<uuid:pk>/confirm/",
        overrides.OverrideConfirmView.as_view(),
        name="override-confirm",
    ),
    path(
        "approvals/overrides/<uuid:pk>/reject/",
        overrides.OverrideRejectView.as_view(),
        name="override-reject",
    ),
    path("approvals/policies/", policies.PolicyListView.as_view(), name="policy-list"),
    path("approvals/policies/<uuid:pk>/", policies.PolicyEditView.as_view(), name="policy-edit"),
    path(
        "approvals/policies/<uuid:pk>/move/",
        policies.PolicyMoveView.as_view(),
        name="policy-move",
    ),
]
