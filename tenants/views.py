"""Browser pages of tenancy: the tenant switcher, and what every tenant page shares."""

from __future__ import annotations

import uuid

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from ats_milestones.errors import NotFound
from tenants.access import action_forbidden_on_page, page_actor
from tenants.actors import Actor
from tenants.permissions import Capability, PermissionRefused, capabilities_of, refusal
from tenants.request_context import client_address
from tenants.selectors import membership_list_for_user
from tenants.switching import session_tenant_switch

_SAFE = {"GET", "HEAD", "OPTIONS"}


class TenantPageMixin(LoginRequiredMixin):
    """A page of the tenant chosen in the session; a user with no tenant gets a kind page.

    `read_capability` guards GET, `write_capability` every other method (the permission
    layer of tenants/permissions.py); a role without it gets the styled 403 page with the
    reason, and so does a refusal a service raises while the page runs.
    """

    no_tenant_template = "tenants/no_tenant.html"
    read_capability: Capability | None = Capability.VIEW
    write_capability: Capability | None = Capability.VIEW

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if getattr(request, "tenant", None) is None:
            return render(request, self.no_tenant_template, status=200)
        needed = self.read_capability if request.method in _SAFE else self.write_capability
        membership = getattr(request, "membership", None)
        if needed is not None and needed not in capabilities_of(membership):
            self._forbid(refusal(getattr(membership, "role", None), needed))
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionRefused as exc:
            self._forbid(exc)

    def _forbid(self, exc: PermissionRefused):
        """The styled 403 page with the reason, and the refusal on the audit trail."""
        capability = (exc.fields.get("capability") or [""])[0]
        action_forbidden_on_page(self.request, capability=capability, reason=exc.message)
        raise PermissionDenied(exc.message) from exc

    @property
    def capabilities(self) -> frozenset[Capability]:
        return capabilities_of(getattr(self.request, "membership", None))

    @property
    def actor(self) -> Actor:
        return page_actor(self.request)

    def page_context(self, **extra) -> dict:
        # The header's switcher needs every tenant of the user: one query per page.
        return {"user_memberships": membership_list_for_user(user=self.request.user), **extra}


class TenantSwitchView(TenantPageMixin, View):
    template_name = "tenants/switch.html"

    def get(self, request):
        return render(request, self.template_name, self.page_context())

    def post(self, request):
        try:
            tenant_id = uuid.UUID(request.POST.get("tenant_id", ""))
        except ValueError:
            raise Http404("No such tenant.") from None
        try:
            session_tenant_switch(
                user=request.user,
                session=request.session,
                tenant_id=tenant_id,
                ip_address=client_address(request),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        # Always the start page: the page we came from belongs to the other tenant.
        return HttpResponseRedirect(reverse("home"))
