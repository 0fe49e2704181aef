from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "approvals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from approvals import gates
        from milestones.services.transitions.facts import register_fact_provider

        register_fact_provider(gates.approval_fact_provider)
