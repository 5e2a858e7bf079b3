"""A signed-in test client for benchmark scripts (import after ``django_setup.setup()``)."""

import sys

from django.test import Client as Browser
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from housingfirst.two_factor import two_factor_required

BACKEND = "django.contrib.auth.backends.ModelBackend"


def signed_in_browser(user) -> Browser:
    """A test client signed in as ``user``, past the second step when their role needs one
    (the session key django-otp sets after a right code, for their confirmed app)."""
    browser = Browser()
    browser.force_login(user, backend=BACKEND)
    if two_factor_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            sys.exit(f"{user.username} has no confirmed authenticator app.")
        session = browser.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return browser
