"""The development webhook sink's routes (only when INTEGRATIONS_DEV_SINK is on)."""

from django.urls import path

from integrations.web import devsink

app_name = "devsink"

urlpatterns = [
    path("", devsink.SinkPageView.as_view(), name="page"),
    path("<uuid:connection_id>/", devsink.SinkReceiveView.as_view(), name="receive"),
    path("<uuid:connection_id>/fail/", devsink.SinkFailView.as_view(), name="fail"),
]
