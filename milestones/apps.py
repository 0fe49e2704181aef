from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.selectors import register_action_labels
        from milestones import subscribers
        from milestones.audit_words import AUDIT_WORDS

        subscribers.connect()
        register_action_labels(AUDIT_WORDS)
