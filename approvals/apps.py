from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from approvals import events, gates
        from approvals.services.reminders import step_clocks_for_event
        from approvals.web.badges import offer_badges
        from ats_milestones.events import Moment, subscribe
        from milestones.services.transitions.facts import register_fact_provider
        from milestones.web.badges import register_application_badges

        register_fact_provider(gates.approval_fact_provider)
        register_application_badges(offer_badges)
        # A step that becomes due on request starts its reminder clock in the same
        # transaction (a decision writes its next steps' clocks in its own statement).
        subscribe(events.ApprovalRequested, step_clocks_for_event, moment=Moment.IN_TRANSACTION)
