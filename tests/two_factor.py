"""Two-factor sign-in in tests: an authenticator app with a known key, and its codes.

Administrators and auditors must pass the second step (housingfirst.two_factor). Tests that
sign them in with ``force_login`` mark the session verified the way django-otp does after a
right code (``verify_session``); browser tests type a real code (``current_code``). Production
behaviour is unchanged: an unverified session is still sent to the code page.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from housingfirst.two_factor import two_factor_required

TEST_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret


def app_of(user) -> TOTPDevice:
    """The person's confirmed authenticator app, set up with the known key if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Test app", key=TEST_KEY, confirmed=True
    )


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def verify_session(client, user):
    """After ``force_login``: the session passed the second step, if the person needs one."""
    if not two_factor_required(user):
        return client
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_of(user).persistent_id
    session.save()
    return client
