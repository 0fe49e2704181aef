"""The workflow editor's publish confirmation: before a draft (or a pilot) becomes the
active version, the admin sees how the applications in flight on the version it replaces
would behave differently on it (milestones/services/publish_preview.py), then publishes.

GET shows the preview (its small form re-previews by GET: it writes nothing); the page's
Publish button POSTs to the same URL, the publish the version page always had.
"""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from ats_milestones.errors import DomainError
from milestones.services.sandbox.publish_preview import (
    HORIZON_DEFAULT,
    framework_version_publish_preview,
)
from milestones.web.forms import PublishPreviewForm
from milestones.web.versions import VersionPublishView


class VersionPublishConfirmView(VersionPublishView):
    # Not `template_name`: a refused POST shows the version page, as it always did.
    confirm_template_name = "milestones/publish_confirm.html"

    def get(self, request, pk):
        version = self.get_version(pk)
        form = PublishPreviewForm(request.GET or None, initial={"horizon_days": HORIZON_DEFAULT})
        preview, error, status = None, None, 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            arguments = form.preview_arguments() if form.is_bound else {}
            try:
                preview = framework_version_publish_preview(
                    version=version, now=timezone.now(), **arguments
                )
            except DomainError as exc:  # an active/retired version, or a bad event
                error, status = exc, exc.status
        context = {
            "version": version,
            "can_publish": version.is_publishable,
            "preview_form": form,
            "preview": preview,
            "preview_error": error,
        }
        return render(
            request, self.confirm_template_name, self.page_context(**context), status=status
        )
