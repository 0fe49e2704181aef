from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The outbox, connections, the relay that delivers signed webhooks, inbound updates."""

    name = "integrations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from integrations import outbox, subscribers
        from integrations.connectors import inbound  # noqa: F401 -- registers its handlers

        outbox.connect()
        subscribers.connect()
