from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The append-only audit trail: one row builder, used by every app (directly from above,
    through the domain events of `tenants` and the API kernel from below)."""

    name = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import subscribers

        subscribers.connect()
