from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """In-app notifications, who they go to, and the mail that leaves on the worker."""

    name = "notifications"
    default_auto_field = "django.db.models.BigAutoField"
