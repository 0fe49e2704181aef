from django.apps import AppConfig


class KernelConfig(AppConfig):
    """The project kernel: loads the Celery app when Django starts, so every `shared_task`
    binds to it (broker, serialisation, queues) in web processes as in workers."""

    name = "ats_milestones"
    label = "kernel"

    def ready(self) -> None:
        from ats_milestones import celery  # noqa: F401
