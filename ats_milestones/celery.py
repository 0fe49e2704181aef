import os

from celery import Celery
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ats_milestones.settings.local")

# `filesystem://` is kombu's filesystem transport with whole-message writes (broker.py).
TRANSPORT_ALIASES["filesystem"] = "ats_milestones.broker:Transport"

app = Celery("ats_milestones")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
