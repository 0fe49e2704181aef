"""`{{ user|person }}`: the name people read (tenants.people.person_name); "" for nobody."""

from django import template

from tenants.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user) or ""
