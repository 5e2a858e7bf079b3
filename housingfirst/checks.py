"""Deployment checks (``manage.py check --deploy``) for settings Django does not know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

MIN_AUDIT_KEY_LENGTH = 32


@register(Tags.security, deploy=True)
def audit_chain_key_check(app_configs, **kwargs):
    """The audit chain's key must be a real secret, kept apart from the database."""
    key = settings.AUDIT_CHAIN_KEY
    if key == settings.DEV_AUDIT_CHAIN_KEY:
        problem = "AUDIT_CHAIN_KEY is not set: the public development key seals the audit chain"
    elif len(key) < MIN_AUDIT_KEY_LENGTH:
        problem = f"AUDIT_CHAIN_KEY is shorter than {MIN_AUDIT_KEY_LENGTH} characters"
    elif key == settings.SECRET_KEY:
        problem = "AUDIT_CHAIN_KEY is the SECRET_KEY: use a key of its own"
    else:
        return []
    return [
        Warning(
            f"{problem}, so whoever can write to the database could rewrite the audit trail "
            "undetected.",
            hint="Set AUDIT_CHAIN_KEY to 50 random characters, kept outside the database "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))').",
            id="housingfirst.W001",
        )
    ]
