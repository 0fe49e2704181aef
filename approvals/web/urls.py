"""Approvals pages, at the site root in the `approvals` namespace: My approvals (the link of
the approval emails), delegations, the offer page of an application with an admin's
overrides, the overrides awaiting a second admin, and the policy editor."""

from django.urls import path

from approvals.web import decide, mine, offer, oversight, policies

app_name = "approvals"

urlpatterns = [
    path("approvals/", mine.MyApprovalsView.as_view(), name="mine"),
    path("approvals/rounds/<uuid:pk>/decide/", decide.DecideView.as_view(), name="decide"),
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
        oversight.OfferReplaceApproverView.as_view(),
        name="offer-replace-approver",
    ),
    path(
        "applications/<uuid:pk>/offer/decide-on-behalf/",
        oversight.OfferDecideOnBehalfView.as_view(),
        name="offer-decide-on-behalf",
    ),
    path("approvals/delegations/", oversight.DelegationsView.as_view(), name="delegations"),
    path(
        "approvals/delegations/<uuid:pk>/cancel/",
        oversight.DelegationCancelView.as_view(),
        name="delegation-cancel",
    ),
    path("approvals/overrides/", oversight.OverrideListView.as_view(), name="overrides"),
    path(
        "approvals/overrides/<uuid:pk>/confirm/",
        oversight.OverrideConfirmView.as_view(),
        name="override-confirm",
    ),
    path(
        "approvals/overrides/<uuid:pk>/reject/",
        oversight.OverrideRejectView.as_view(),
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
