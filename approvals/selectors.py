"""Reads of approvals, scoped to the tenant in context."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from approvals.models import (
    ApprovalAssignment,
    ApprovalDelegation,
    ApprovalPolicy,
    ApprovalRound,
    ApprovalStep,
    Decision,
    Offer,
    RoundStatus,
    StepStatus,
    SubjectKind,
)

DECIDED_SHOWN = 50
#: How many due (and, apart, waiting) items a list shows at once, the longest due first;
#: `MyApprovals.due_count` / `waiting_count` say how many there are.
PENDING_SHOWN = 50
PENDING_SHOWN_MAX = 500

#: The purpose under which approvals opens an application to its approvers
#: (`recruiting.selectors.register_application_grant`): the offer page and its decisions.
OFFER_PAGE_GRANT = "approvals.offer_page"
#: The purpose under which a round's page (and a decision posted to it) opens to the people
#: named in the rounds of its subject; the rows it is asked about are rounds.
ROUND_PAGE_GRANT = "approvals.round_page"
#: The rounds whose approvers may open the offer page: open or decided, not withdrawn/voided.
_GRANTING_STATUSES = (RoundStatus.REQUESTED, RoundStatus.APPROVED, RoundStatus.DECLINED)


def delegations_to_today(user_id, *, on=None):
    """The ids of the people whose approvals `user_id` may decide today (or `on`), as a
    queryset: a subquery in another query, or a list with `list()`."""
    on = on or timezone.localdate()
    return ApprovalDelegation.objects.filter(
        delegate_id=user_id, cancelled_at__isnull=True, starts_on__lte=on, ends_on__gte=on
    ).values_list("delegator_id", flat=True)


def _named(assignments, user_id):
    """The assignments of `user_id`: theirs, those they decided for someone, and those of the
    people who delegated to them today."""
    return assignments.filter(
        Q(approver_id=user_id)
        | Q(decided_by_id=user_id)
        | Q(approver_id__in=delegations_to_today(user_id))
    )


def approver_condition(user_id, *, via: str = "", statuses=_GRANTING_STATUSES) -> Q:
    """On an application (reached through `via`): `user_id` is an approver of one of its
    rounds in `statuses`, holds today the delegation of one, or decided in one for someone."""
    application_id = f"{via[:-2]}_id" if via else "pk"
    theirs = ApprovalAssignment.objects.filter(round__application_id=OuterRef(application_id))
    if statuses is not None:
        theirs = theirs.filter(round__status__in=statuses)
    return Q(Exists(_named(theirs, user_id)))


def offer_page_grant(membership, via: str) -> Q:
    """The offer page of an application opens to the approvers (and today's delegates) of
    an open or decided round of it, for as long as that holds; nothing else of its
    requisition does (registered in `ApprovalsConfig.ready`)."""
    return approver_condition(membership.user_id, via=via)


def round_page_grant(membership, via: str) -> Q:
    """On a round (reached through `via`): the person is named in an open or decided round
    of the same subject (an approver, today's delegate of one, or who decided for one), for
    as long as that holds: a requisition's opening or a milestone's clearance opens to its
    approvers outside the requisition's team, nothing else of it does (registered in
    `ApprovalsConfig.ready`)."""
    theirs = ApprovalAssignment.objects.filter(
        round__subject_key=OuterRef(f"{via}subject_key"), round__status__in=_GRANTING_STATUSES
    )
    return Q(Exists(_named(theirs, membership.user_id)))


def offer_get(*, offer_id) -> Offer | None:
    return Offer.objects.select_related("application__requisition").filter(pk=offer_id).first()


def offer_list(*, application_ids=None) -> QuerySet[Offer]:
    offers = Offer.objects.select_related("application__candidate", "application__requisition")
    if application_ids is not None:
        offers = offers.filter(application_id__in=list(application_ids))
    return offers.order_by("-created_at", "id")


def offer_for_application(*, application_id) -> Offer | None:
    return Offer.objects.filter(application_id=application_id).first()


def approval_policy_list(*, subject_kind: str | None = None) -> QuerySet[ApprovalPolicy]:
    policies = ApprovalPolicy.objects.select_related("current_version", "department", "extends")
    if subject_kind:
        policies = policies.filter(subject_kind=subject_kind)
    return policies.order_by("position", "name")


def approval_round_get(*, round_id) -> ApprovalRound | None:
    return (
        ApprovalRound.objects.select_related(
            "policy_version__policy", "offer", "application__candidate", "requisition"
        )
        .filter(pk=round_id)
        .first()
    )


def approval_rounds_of_subject(*, subject_key: str) -> QuerySet[ApprovalRound]:
    """Every round of one subject, newest first: its history."""
    return (
        ApprovalRound.objects.filter(subject_key=subject_key)
        .select_related("policy_version__policy")
        .prefetch_related("steps__assignments")
        .order_by("-number")
    )


@dataclass(frozen=True)
class ApprovalStatus:
    round_id: object
    status: str
    text: str  # "Awaiting approval: step 2 of 3 (HRBP)"

    def __str__(self) -> str:
        return self.text

    @property
    def granted(self) -> bool:
        return self.status == RoundStatus.APPROVED


def status_words(round_: ApprovalRound, due_names: list[str], due_positions: list[int]) -> str:
    if round_.status == RoundStatus.REQUESTED:
        if not due_positions:
            return "Awaiting approval"
        low, high = min(due_positions), max(due_positions)
        which = f"step {low}" if low == high else f"steps {low}–{high}"
        return f"Awaiting approval: {which} of {round_.step_count} ({', '.join(due_names)})"
    if round_.status == RoundStatus.APPROVED:
        return "Approved"
    if round_.status == RoundStatus.DECLINED:
        return f"Declined: {round_.outcome_reason}" if round_.outcome_reason else "Declined"
    if round_.status == RoundStatus.VOIDED:
        return "Approval voided: the offer changed"
    return "Approval withdrawn"


def _latest_rounds(**filters) -> QuerySet[ApprovalRound]:
    due = ApprovalStep.objects.filter(round=OuterRef("pk"), status=StepStatus.DUE).order_by("index")
    return (
        ApprovalRound.objects.filter(**filters)
        .order_by("subject_key", "-number")
        .distinct("subject_key")
        .annotate(
            due_names=ArraySubquery(due.values("name")),
            due_positions=ArraySubquery(due.values("position")),
        )
        .only(
            "pk",
            "subject_key",
            "subject_kind",
            "application_id",
            "milestone_code",
            "status",
            "step_count",
            "outcome_reason",
            "number",
        )
    )


def _status(round_) -> ApprovalStatus:
    return ApprovalStatus(
        round_.pk, round_.status, status_words(round_, round_.due_names, round_.due_positions)
    )


def approval_status_for_applications(application_ids) -> dict[object, ApprovalStatus]:
    """The state of each application's offer approval (its latest round), for the board
    and the application page: one query for any number of applications. An application
    whose offer was never put up for approval is absent."""
    ids = list(application_ids)
    if not ids:
        return {}
    rounds = _latest_rounds(application_id__in=ids, subject_kind=SubjectKind.OFFER)
    return {r.application_id: _status(r) for r in rounds}


def approval_states_of_application(application_id) -> dict[str, ApprovalStatus]:
    """The latest round of each subject of one application, keyed "offer" or
    "milestone:<code>" (the gate's facts): one query."""
    states = {}
    for r in _latest_rounds(application_id=application_id):
        key = "offer" if r.subject_kind == SubjectKind.OFFER else f"milestone:{r.milestone_code}"
        states[key] = _status(r)
    return states


@dataclass
class MyApprovals:
    due: list[ApprovalAssignment] = field(default_factory=list)  # theirs to decide now
    waiting: list[ApprovalAssignment] = field(default_factory=list)  # a later step of theirs
    decided: list[ApprovalAssignment] = field(default_factory=list)  # the latest decisions
    due_count: int = 0  # all of them, `due` is the first `limit`
    waiting_count: int = 0


def _assignments():
    return ApprovalAssignment.objects.select_related(
        "step",
        "approver",
        "round__requisition",
        "round__offer",
        "round__application__candidate",
    )


def my_approvals(
    *,
    user_id: int,
    limit: int = PENDING_SHOWN,
    decided_limit: int = DECIDED_SHOWN,
    on_behalf_of=(),
) -> MyApprovals:
    """One person's approvals: the first `limit` due now and the first `limit` waiting on
    an earlier step (the longest due first, with how many there are of each), and their
    latest decisions (their own, and those they made for someone); three queries whatever
    the number of items (two when nothing is pending). `on_behalf_of`: the people who
    delegated to them today (ids, or the subquery `delegations_to_today`), whose pending
    items are listed too (`assignment.approver` says whose)."""
    mine = MyApprovals()
    in_status = [F("step__status")]
    # The ranking reads the assignments, their steps and rounds only (ids, not rows): with
    # the displayed relations joined in, every pending row was joined and sorted wide before
    # all but `limit` of them were dropped (60 ms at 1,000 pending, 32 ms this way).
    ranked = list(
        ApprovalAssignment.objects.filter(Q(approver_id=user_id) | Q(approver_id__in=on_behalf_of))
        .filter(
            decision=Decision.PENDING,
            round__status=RoundStatus.REQUESTED,
            step__status__in=[StepStatus.DUE, StepStatus.WAITING],
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=in_status,
                order_by=[F("step__due_at").asc(), F("created_at").asc(), F("id").asc()],
            ),
            of=Window(Count("id"), partition_by=in_status),
        )
        .filter(rank__lte=limit)
        # Not the model's ordering: it joined each step's round again to sort rows by it
        # that the ranking has already put in order, and the next query orders them.
        .order_by()
        .values_list("pk", "step__status", "of")
    )
    counts = {status: count for _, status, count in ranked}
    mine.due_count = counts.get(StepStatus.DUE, 0)
    mine.waiting_count = counts.get(StepStatus.WAITING, 0)
    if ranked:
        for assignment in (
            _assignments()
            .filter(pk__in=[pk for pk, *_ in ranked])
            .order_by("step__due_at", "created_at", "id")
        ):
            (mine.due if assignment.step.status == StepStatus.DUE else mine.waiting).append(
                assignment
            )
    mine.decided = list(
        _assignments()
        .filter(Q(approver_id=user_id) | Q(decided_by_id=user_id))
        .exclude(decision=Decision.PENDING)
        .order_by("-decided_at", "-id")[:decided_limit]
    )
    return mine


def my_due_approval_count(*, user_id: int) -> int:
    """How many decisions are due from one person now (a home page's count): one query."""
    return ApprovalAssignment.objects.filter(
        approver_id=user_id,
        decision=Decision.PENDING,
        round__status=RoundStatus.REQUESTED,
        step__status=StepStatus.DUE,
    ).count()
