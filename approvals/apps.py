from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from approvals import events, gates
        from approvals.audit_words import AUDIT_WORDS
        from approvals.selectors import (
            OFFER_PAGE_GRANT,
            ROUND_PAGE_GRANT,
            offer_page_grant,
            round_page_grant,
        )
        from approvals.services.reminders import step_clocks_for_event
        from approvals.web.badges import offer_badges
        from ats_milestones.events import Moment, subscribe
        from audit.selectors import register_action_labels
        from milestones.services.transitions.facts import register_fact_provider
        from milestones.web.badges import register_application_badges
        from recruiting.selectors import register_application_grant

        register_fact_provider(gates.approval_fact_provider)
        register_action_labels(AUDIT_WORDS)
        register_application_badges(offer_badges)
        # Approvers outside a (confidential) requisition's team open the offer they decide.
        register_application_grant(OFFER_PAGE_GRANT, offer_page_grant)
        # ... and the page of a round they are named in (a requisition's opening too).
        register_application_grant(ROUND_PAGE_GRANT, round_page_grant)
        # A step that becomes due on request starts its reminder clock in the same
        # transaction (a decision writes its next steps' clocks in its own statement).
        subscribe(events.ApprovalRequested, step_clocks_for_event, moment=Moment.IN_TRANSACTION)
