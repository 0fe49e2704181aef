"""The name people read for a user (tenants.people), in Python and in templates."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template

from tenants.people import person_name, user_names

pytestmark = pytest.mark.django_db


def test_the_full_name_else_the_username_and_nothing_for_nobody():
    named = get_user_model().objects.create(
        username="rmoreno", first_name="Rita", last_name="Moreno"
    )
    bare = get_user_model().objects.create(username="svc-import")
    assert person_name(named) == "Rita Moreno"
    assert person_name(bare) == "svc-import"
    assert person_name(None) is None
    assert user_names([named.pk, bare.pk, named.pk]) == {
        named.pk: "Rita Moreno",
        bare.pk: "svc-import",
    }
    template = Template("{% load people %}[{{ a|person }}|{{ b|person }}|{{ c|person }}]")
    assert (
        template.render(Context({"a": named, "b": bare, "c": None})) == "[Rita Moreno|svc-import|]"
    )
