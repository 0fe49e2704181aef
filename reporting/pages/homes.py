"""The home page of each role (the landing page after sign-in, the "Home" nav entry):
what a recruiter, a hiring manager, an admin or an auditor looks at first."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from approvals.selectors import my_due_approval_count
from audit.models import AuditAction
from audit.selectors import action_label, actor_name, actor_names
from milestones.selectors import milestone_settings_get
from recruiting.selectors import requisition_visibility
from reporting import page_selectors
from reporting.pages.dashboard import drill_url
from reporting.pages.wording import due_words, zone_of, zone_words
from reporting.reports import Candidacy, ReportFilters, funnel, sla_exceptions, time_in_milestone
from reporting.reports.filters import viewer_access
from tenants.models import Role
from tenants.views import TenantPageMixin

FORBIDDEN = AuditAction.FORBIDDEN.value
TEMPLATES = {
    Role.RECRUITER: "reporting/home_recruiter.html",
    Role.HRBP: "reporting/home_recruiter.html",
    Role.COORDINATOR: "reporting/home_recruiter.html",
    Role.HIRING_MANAGER: "reporting/home_hiring_manager.html",
    Role.ADMIN: "reporting/home_admin.html",
    Role.AUDITOR: "reporting/home_auditor.html",
}


def stuck_by_milestone(filters: ReportFilters) -> list[dict]:
    """How many are stuck in each milestone, with the link to them: one query."""
    counts = (
        sla_exceptions(filters=filters)
        .order_by()
        .values("milestone_id", "milestone__name", "milestone__order")
        .annotate(count=Count("pk"))
        .order_by("milestone__order", "milestone__name")
    )
    return [
        {
            "name": row["milestone__name"],
            "count": row["count"],
            "href": drill_url(
                filters.narrowed_params(milestone_id=row["milestone_id"]), "reporting:stuck"
            ),
        }
        for row in counts
    ]


def funnels_by_requisition(filters: ReportFilters, requisitions: list) -> list[dict]:
    """Each requisition's funnel (finished candidacies) and where its open candidacies
    wait now: two queries for all of them."""
    if not requisitions:
        return []
    narrowed = filters.narrowed(requisition_id=[r.pk for r in requisitions])
    passing = funnel(filters=narrowed, by="requisition").rows
    waiting = time_in_milestone(
        filters=narrowed.narrowed(candidacy=Candidacy.OPEN), by="requisition"
    ).rows
    cards = {
        str(r.pk): {"requisition": r, "funnel": [], "waiting": [], "top": 1} for r in requisitions
    }
    for row in passing:
        card = cards.get(row["group"]["id"] if row["group"] else "")
        if card is not None:
            card["funnel"].append({**row, "href": drill_url(row["applications"])})
            card["top"] = max(card["top"], row["entered"])
    for row in waiting:
        card = cards.get(row["group"]["id"] if row["group"] else "")
        if card is not None and row["open_count"]:
            card["waiting"].append(row)
    for card in cards.values():
        for row in card["funnel"]:
            row["width"] = round(100 * row["entered"] / card["top"])
            row["passed_width"] = round(100 * row["passed"] / card["top"])
    return list(cards.values())


class HomeView(TenantPageMixin, View):
    def get(self, request):
        membership = request.membership
        role = getattr(membership, "role", None)
        self.viewer = viewer_access(membership)
        scope = self.viewer["scope"]
        context = {"role": role}
        if role in (Role.RECRUITER, Role.HRBP, Role.COORDINATOR):
            context.update(self._recruiter(request.user, role, scope))
        elif role == Role.HIRING_MANAGER:
            context.update(self._hiring_manager(request.user, scope))
        elif role == Role.ADMIN:
            context.update(self._admin())
        elif role == Role.AUDITOR:
            context.update(self._auditor())
        return render(
            request,
            TEMPLATES.get(role, "reporting/home_auditor.html"),
            self.page_context(**context),
        )

    def _recruiter(self, user, role, scope) -> dict:
        mine = role == Role.RECRUITER
        filters = ReportFilters(recruiter_id=(user.pk,) if mine else (), **self.viewer)
        stuck = sla_exceptions(filters=filters)
        # "Today" and its clock times are the tenant's (its business time zone).
        zone = zone_of(milestone_settings_get().business_timezone)
        now = timezone.now()
        today = now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
        due_count, due = page_selectors.due_today(
            day_start=today,
            recruiter_id=user.pk if mine else None,
            scope=scope,
            visibility=requisition_visibility(self.request.membership, via="requisition__"),
            sensitive=self.viewer["sensitive"],
        )
        requisitions = (
            page_selectors.requisitions_of_user(
                user_id=user.pk, role_field="recruiter", scope=scope
            )
            if mine
            else []
        )
        return {
            "mine": mine,
            "stuck_groups": stuck_by_milestone(filters),
            "stuck": list(stuck[: page_selectors.HOME_ROWS]),
            "stuck_href": drill_url(filters.as_params(), "reporting:stuck"),
            "due_count": due_count,
            "due": [{"row": row, "when": due_words(row.due_at, now=now, zone=zone)} for row in due],
            "zone": zone_words(zone),
            "cards": funnels_by_requisition(filters, requisitions),
        }

    def _hiring_manager(self, user, scope) -> dict:
        requisitions = page_selectors.requisitions_of_user(
            user_id=user.pk, role_field="hiring_manager", scope=scope
        )
        return {
            "cards": funnels_by_requisition(ReportFilters(**self.viewer), requisitions),
            "pending_approvals": my_due_approval_count(user_id=user.pk),
        }

    def _admin(self) -> dict:
        failure_count, failures = page_selectors.open_failures(membership=self.request.membership)
        return {
            "failure_count": failure_count,
            "failures": failures,
            "sweep": page_selectors.sweep_health(now=timezone.now()),
            "rule_moves": list(page_selectors.rule_moves_recent()),
        }

    def _auditor(self) -> dict:
        events = page_selectors.audit_recent()
        names = actor_names(events)
        return {
            "events": [
                {
                    "event": e,
                    "label": action_label(e.action),
                    "actor": actor_name(e, names),
                    # What a refusal refused, in the words the person was shown.
                    "why": (e.data or {}).get("reason", "") if e.action == FORBIDDEN else "",
                }
                for e in events
            ],
            "last_activity_at": events[0].at if events else None,
        }
