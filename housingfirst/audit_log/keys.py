"""The audit chain's keys: they live in settings (the environment), never in the database.

``AUDIT_CHAIN_KEY`` seals new links; it and the older ``AUDIT_CHAIN_KEYS`` verify. A link names
its key by id: a fingerprint of the key (SHA-256 of a label and the key, 16 hex digits) that
reveals nothing of it.
"""

import hashlib
from functools import cache

from django.conf import settings


@cache
def key_id(key: str) -> str:
    return hashlib.sha256(f"housingfirst audit chain key\n{key}".encode()).hexdigest()[:16]


def sealing_key() -> tuple[str, bytes]:
    """(key id, key) of the key that seals new links."""
    key = settings.AUDIT_CHAIN_KEY
    return key_id(key), key.encode()


def verifying_keys() -> dict[str, bytes]:
    """{key id: key} for every key accepted when verifying, the sealing key included."""
    keys = [settings.AUDIT_CHAIN_KEY, *settings.AUDIT_CHAIN_KEYS]
    return {key_id(key): key.encode() for key in keys if key}
