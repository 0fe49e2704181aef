from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    """The API kernel's store of first responses to POSTs sent with an Idempotency-Key."""

    name = "ats_milestones.idempotency"
    label = "idempotency"
    default_auto_field = "django.db.models.BigAutoField"
