"""``{{ user|person }}``: how a member of staff is named on every page (a built-in filter).

One rule for every screen, the same as history's (``housingfirst.people.person_name``): the
full name, else the user name; nobody (None) is an empty string, so a page can say
``{{ client.case_manager|person|default:"Unassigned" }}``.
"""

from django import template

from housingfirst.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user) if user is not None else ""
