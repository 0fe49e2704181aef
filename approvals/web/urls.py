"""Approvals pages, at the site root in the `approvals` namespace: My approvals (the link of
the approval emails), the offer page of an application, and the policy editor."""

from django.urls import path

from approvals.web import decide, mine, offer, policies

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
    path("approvals/policies/", policies.PolicyListView.as_view(), name="policy-list"),
    path("approvals/policies/<uuid:pk>/", policies.PolicyEditView.as_view(), name="policy-edit"),
    path(
        "approvals/policies/<uuid:pk>/move/",
        policies.PolicyMoveView.as_view(),
        name="policy-move",
    ),
]
