from django.urls import path

from audit.api.views import AuditEventListView

urlpatterns = [path("audit_events", AuditEventListView.as_view(), name="audit-events")]
