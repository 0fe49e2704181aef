import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ats_milestones.settings.local")

app = Celery("ats_milestones")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
