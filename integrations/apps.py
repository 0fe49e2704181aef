from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The outbox, connections, the relay that delivers signed webhooks, inbound updates."""

    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.selectors import register_action_labels
        from integrations import outbox, subscribers
        from integrations.audit_words import AUDIT_WORDS
        from integrations.connectors import inbound  # noqa: F401 -- registers its handlers
        from integrations.services import inbound_generic  # noqa: F401 -- registers handlers
        from integrations.web.badges import order_failed_badges
        from milestones.web.badges import register_application_badges

        register_application_badges(order_failed_badges)
        register_action_labels(AUDIT_WORDS)
        outbox.connect()
        subscribers.connect()
