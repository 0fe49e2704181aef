from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    name = "recruiting"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit.selectors import register_action_labels
        from recruiting.access import (
            CONFIDENTIALITY_CHANGED,
            PERMISSION_GRANTED,
            PERMISSION_REVOKED,
        )

        register_action_labels(
            {
                PERMISSION_GRANTED: "Let someone see a confidential requisition",
                PERMISSION_REVOKED: "Stopped someone seeing a confidential requisition",
                CONFIDENTIALITY_CHANGED: "Changed whether a requisition is confidential",
            }
        )
