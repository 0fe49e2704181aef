"""Every POST of the API honours `Idempotency-Key`: the routes come from the URL conf.

A new POST route fails here until it has a recipe in post_recipes.py (or
approval_post_recipes.py): a request that succeeds. Then it is checked like every other one:
the same key with the same request answers the first response again with
`Idempotent-Replayed: true` and writes nothing, and the same key with another request answers
422 naming the header.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.apps import apps
from django.db.models import Max
from rest_framework.test import APIClient

from ats_milestones.api.base import TenantScopedMixin
from tenants.context import all_tenants_context
from tenants.models import Role, TenantScopedModel
from tests import factories
from tests.support import api_routes, assert_error

from .approval_post_recipes import APPROVAL_RECIPES
from .post_recipes import RECIPES, SIGNED_WEBHOOK_ROUTES, Post, post_routes

# route name -> recipe(tenant, user) of a request that succeeds, for every POST route.
POST_RECIPES: dict[str, Callable[..., Post]] = {**RECIPES, **APPROVAL_RECIPES}


def _tenant_tables() -> dict[str, tuple]:
    """Rows and the latest change of every tenant table: what a write would move."""
    snapshot = {}
    with all_tenants_context():
        for model in apps.get_models():
            if not issubclass(model, TenantScopedModel):
                continue
            queryset = model.all_tenants.all()
            # Append-only tables (the outbox, delivery attempts) have no updated_at.
            stamp = (
                "updated_at" if hasattr(model, "updated_at") and model.updated_at else "created_at"
            )
            latest = queryset.aggregate(latest=Max(stamp))["latest"]
            snapshot[model._meta.label] = (queryset.count(), latest)
    return snapshot


def test_every_post_route_has_a_recipe():
    routes = post_routes()
    assert len(routes) > 20, routes  # the walk found the API
    missing = sorted(set(routes) - set(POST_RECIPES))
    assert not missing, f"add these POST routes to POST_RECIPES: {missing}"
    stale = sorted(set(POST_RECIPES) - set(routes))
    assert not stale, f"POST_RECIPES names routes that no longer exist: {stale}"


def test_every_api_view_stands_on_the_tenant_scoped_base():
    """The kernel's idempotency lives in that base: a view beside it would skip it."""
    outside = sorted(
        pattern.name
        for _, pattern, _ in api_routes()
        if pattern.name not in {"api-schema", *SIGNED_WEBHOOK_ROUTES}
        and not issubclass(pattern.callback.cls, TenantScopedMixin)
    )
    assert not outside, outside


@pytest.fixture
def member_a(tenant_a):
    user = factories.make_user(username="idem-admin")
    factories.make_membership(tenant=tenant_a, user=user, role=Role.ADMIN)
    return user


def _send(post: Post, client, key: str, *, query: str = ""):
    body = post.body
    if body is not None and post.content_type == "application/json":
        return client.post(
            post.url + query, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **post.headers
        )
    return client.post(
        post.url + query,
        body if body is not None else "",
        content_type=post.content_type,
        HTTP_IDEMPOTENCY_KEY=key,
        **post.headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", post_routes())
def test_the_same_key_replays_and_another_request_with_it_is_422(name, api_a, tenant_a, member_a):
    assert name in POST_RECIPES, f"{name} has no recipe"
    post = POST_RECIPES[name](tenant_a, member_a)
    if post.as_user:
        client = APIClient()
        client.force_login(member_a)
    else:
        client = api_a

    first = _send(post, client, "key-1")
    assert 200 <= first.status_code < 300, (first.status_code, first.content[:500])
    assert not first.has_header("Idempotent-Replayed")
    written = _tenant_tables()

    replay = _send(post, client, "key-1")
    assert replay.status_code == first.status_code, replay.content[:500]
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert _tenant_tables() == written, "the replay wrote something"

    other = _send(post, client, "key-1", query="?another=request")
    assert_error(other, 422, "IDEMPOTENCY_KEY_REUSED", "Idempotency-Key")
    assert _tenant_tables() == written
