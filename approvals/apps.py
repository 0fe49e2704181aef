from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from approvals import events, gates
        from approvals.services.reminders import step_clocks_for_event
        from ats_milestones.events import Moment, subscribe
        from milestones.services.transitions.facts import register_fact_provider

        register_fact_provider(gates.approval_fact_provider)
        # A step that becomes due starts its reminder clock in the same transaction.
        for event_type in (events.ApprovalRequested, events.ApprovalStepResolved):
            subscribe(event_type, step_clocks_for_event, moment=Moment.IN_TRANSACTION)
