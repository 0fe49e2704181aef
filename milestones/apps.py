from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"
    default_auto_field = "django.db.models.BigAutoField"
