"""The one base of every tenant-bound API view.

It authenticates, puts the caller's tenant in context for the whole request (and
takes it out when the request ends), checks the view's scope, makes every POST honour
`Idempotency-Key` (see `idempotency`), and records a lookup of an id that is not in the
caller's tenant as an access-denied audit event. Subclasses cannot override
`get_queryset` or `get_object`; they implement `tenant_queryset()`, which runs with the
tenant already in context. Nor can they override the request plumbing that carries the
tenant and the idempotency (`dispatch`, `initial`, `handle_exception`,
`finalize_response`).
"""

from __future__ import annotations

from contextlib import ExitStack
from functools import partial

from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions, generics, permissions, viewsets

from tenants.access import access_denied, action_forbidden
from tenants.actors import Actor
from tenants.authentication import ApiClientPrincipal
from tenants.context import current_tenant_id, tenant_context
from tenants.permissions import Capability, actor_require, scopes_of
from tenants.request_context import client_address

from .idempotency import IdempotentPost, IdempotentReplay
from .on_behalf_of import on_behalf_of_resolve

_SAFE = {"GET", "HEAD", "OPTIONS"}


class HasViewScope(permissions.BasePermission):
    """The caller holds the view's read scope for safe methods, its write scope otherwise;
    a person also holds the view's `read_capability` / `write_capability`
    (tenants/permissions.py)."""

    def has_permission(self, request, view) -> bool:
        safe = request.method in _SAFE
        needed = view.read_scope if safe else view.write_scope
        if needed is not None and needed not in view.caller_scopes(request):
            message = f"This call needs the '{needed}' scope."
            view.record_forbidden(capability=needed, reason=message)
            raise exceptions.PermissionDenied(message)
        capability = view.read_capability if safe else view.write_capability
        if capability is not None and view.api_client is None:
            actor_require(view.actor, capability)  # the exception handler records a refusal
        return True


_FINAL = {
    "get_queryset": "implement tenant_queryset() instead",
    "get_object": "implement tenant_queryset() instead",
    "dispatch": "the base carries the tenant and Idempotency-Key through it",
    "initial": "the base carries the tenant and Idempotency-Key through it",
    "handle_exception": "the base carries the tenant and Idempotency-Key through it",
    "finalize_response": "the base carries the tenant and Idempotency-Key through it",
}


def refuse_nul_characters(request, url_kwargs: dict) -> None:
    """A NUL in a query parameter or a path segment is a 400 naming it: Postgres text
    cannot hold one, so no lookup or filter with it can mean anything."""
    errors: dict[str, list[str]] = {}
    for name, values in request.query_params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            errors[name.replace("\x00", "")] = ["NUL characters are not allowed."]
    for name, value in url_kwargs.items():
        if isinstance(value, str) and "\x00" in value:
            errors["id" if name == "pk" else name] = ["NUL characters are not allowed."]
    if errors:
        raise exceptions.ValidationError(errors)


class TenantScopedMixin:
    read_scope: str | None = None
    write_scope: str | None = None
    read_capability: Capability | None = None
    write_capability: Capability | None = None
    permission_classes = [permissions.IsAuthenticated, HasViewScope]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for forbidden, why in _FINAL.items():
            if forbidden in cls.__dict__:
                raise TypeError(f"{cls.__name__} overrides {forbidden}(); {why}")

    # -- the safe hook -----------------------------------------------------------------
    def tenant_queryset(self) -> QuerySet:
        raise NotImplementedError

    # -- caller ------------------------------------------------------------------------
    @property
    def api_client(self):
        user = getattr(self.request, "user", None)
        return user.client if isinstance(user, ApiClientPrincipal) else None

    @property
    def actor_user_id(self) -> int | None:
        return None if self.api_client else getattr(self.request.user, "pk", None)

    @property
    def actor(self) -> Actor:
        """Who is calling, as every service takes it."""
        client = self.api_client
        return Actor(
            user_id=self.actor_user_id,
            api_client_id=client.pk if client is not None else None,
            role=None if client is not None else getattr(self.membership, "role", None),
            ip_address=client_address(self.request),
            on_behalf_of_user_id=getattr(self, "on_behalf_of_user_id", None),
        )

    @property
    def membership(self):
        """The session user's membership in the tenant (None for an API client)."""
        return getattr(self.request._request, "membership", None)

    @property
    def viewer(self):
        """Whose sight limits what this call reads (recruiting.selectors.visible_to): the
        person's membership; None for an API client, which reads the whole tenant."""
        return None if self.api_client else self.membership

    def caller_scopes(self, request) -> set[str]:
        if self.api_client is not None:
            return scopes_of(api_client=self.api_client)
        return scopes_of(membership=getattr(request._request, "membership", None))

    # -- tenancy and idempotency -------------------------------------------------------
    def dispatch(self, request, *args, **kwargs):
        self._idempotent_post = None
        self._after_transaction: list = []
        # Unwinds in reverse: the idempotent POST's transaction ends first, then what must
        # outlive its rollback is written (still in the tenant), then the tenant goes.
        with ExitStack() as self._tenant_scope:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        if request.user and request.user.is_authenticated:
            client = self.api_client
            if client is not None:
                self.tenant_id = client.tenant_id
                self._tenant_scope.enter_context(tenant_context(client.tenant_id))
                self.on_behalf_of_user_id = on_behalf_of_resolve(
                    request, tenant_id=client.tenant_id
                )
            else:
                membership = getattr(request._request, "membership", None)
                if membership is None:
                    raise exceptions.PermissionDenied("You are not a member of any tenant.")
                self.tenant_id = membership.tenant_id
        super().initial(request, *args, **kwargs)
        refuse_nul_characters(request, kwargs)
        if request.method == "POST":
            self._tenant_scope.callback(self._run_after_transaction)
            self._idempotent_post = IdempotentPost.begin(
                request,
                tenant_id=self.tenant_id,
                principal=self.idempotency_principal(),
                scope=self._tenant_scope,
            )

    def handle_exception(self, exc):
        if isinstance(exc, IdempotentReplay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self._idempotent_post is not None:
            self._idempotent_post.finish(response)
        return response

    def idempotency_principal(self) -> str:
        """Whose keys these are: an API client's, or a signed-in user's (in the tenant)."""
        client = self.api_client
        if client is not None:
            return f"client:{client.pk}"
        return f"user:{self.request.user.pk}"

    def _run_after_transaction(self) -> None:
        for write in self._after_transaction:
            write()

    # -- final: queryset and object lookup always go through the tenant --------------
    def get_queryset(self) -> QuerySet:
        assert current_tenant_id() is not None, "tenant context must be set by initial()"
        return self.tenant_queryset()

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            self.record_denied_lookup()
            raise

    def record_forbidden(self, *, capability: str, reason: str) -> None:
        """A refusal by role or scope (403) on the audit trail of the caller's tenant
        (written after the request's idempotent transaction, as a denied look-up)."""
        tenant_id = getattr(self, "tenant_id", None)
        if tenant_id is None:
            return
        self._on_the_record(
            partial(
                action_forbidden,
                tenant_id=tenant_id,
                capability=capability,
                reason=reason,
                path=self.request.path,
                method=self.request.method,
                actor=self.actor,
            )
        )

    def record_denied_lookup(self, *, model=None, object_id=None) -> None:
        """An id that is not ours: 404 to the caller, and an audit event for us. By default
        the view's own model and URL id; a view resolving another id (in its body) names it.
        Written after the request's idempotent transaction, whose refusal rolls back."""
        write = partial(
            access_denied,
            model=model or self.tenant_queryset().model,
            object_id=object_id or self.kwargs.get(self.lookup_url_kwarg or self.lookup_field),
            tenant_id=self.tenant_id,
            path=self.request.path,
            method=self.request.method,
            actor=self.actor,
        )
        self._on_the_record(write)

    def _on_the_record(self, write) -> None:
        """Write a refusal's audit event now, or, inside a POST's idempotent transaction
        (which the refusal rolls back, key and all), right after it."""
        if getattr(self, "_idempotent_post", None) is None:
            write()
        else:
            self._after_transaction.append(write)


class TenantScopedAPIView(TenantScopedMixin, generics.GenericAPIView):
    pass


class TenantScopedViewSet(TenantScopedMixin, viewsets.GenericViewSet):
    pass
