from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo seed (`manage.py seed_demo`): it stands on every app, and nothing imports it."""

    name = "demo"
    default_auto_field = "django.db.models.BigAutoField"
