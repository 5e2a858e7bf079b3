"""Ways to reach someone, as links a phone can follow: ``{{ value|reach_link }}`` turns a phone
number into a ``tel:`` link and an e-mail address into a ``mailto:`` link, and leaves anything
else (a name, "ask at the office") as plain text. Values are typed freely ("(555) 010-0188",
"555.010.0188 ext. 2"), so the link keeps only the number's digits (and a leading "+")."""

import re

from django import template
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import format_html

register = template.Library()

PHONE = re.compile(r"^\+?[\d\s().\-/]{7,}$")


def reach_href(value) -> str:
    """The href that reaches ``value``, or "" when it is neither a phone number nor e-mail."""
    text = str(value or "").strip()
    if not text:
        return ""
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            return ""
        return f"mailto:{text}"
    number = re.split(r"\s*(?:ext\.?|x)\s*\d+$", text, flags=re.IGNORECASE)[0]
    if not PHONE.match(number):
        return ""
    digits = re.sub(r"\D", "", number)
    if len(digits) < 7:
        return ""
    return f"tel:{'+' if number.startswith('+') else ''}{digits}"


@register.filter
def reach_link(value):
    href = reach_href(value)
    if not href:
        return value
    return format_html('<a href="{}">{}</a>', href, value)
