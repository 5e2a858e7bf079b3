"""Two-factor sign-in: a code from an authenticator app (TOTP, django-otp), or a recovery code.

Required for administrators and auditors, and for everyone with ``OTP_REQUIRED_FOR_EVERYONE``;
optional for the others, and whoever has set it up is asked for a code at every sign-in. After
the password, ``RequireTwoFactor`` lets such a person reach nothing but the code page (or, the
first time, the set-up page) until the session is verified. django-otp throttles wrong codes
per device (growing pauses); django-axes still throttles wrong passwords.

Setting up and resets are written to the person's account history (the change log) with who
acted and why: a reset is an administrator's act, with a reason.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import acting_person, change_reason
from .roles import Role, role_of

RECOVERY_CODE_COUNT = 10
# Set at sign-in for someone who has set up an app though their role does not require it.
PENDING_SESSION_KEY = "housingfirst_two_factor_pending"
# Pages a person part-way through signing in may open.
OPEN_BEFORE_VERIFIED = {
    "two_factor_verify",
    "two_factor_set_up",
    "logout",
    "session_keep_alive",
    "healthz",
    "login",
    "admin:logout",
}


def two_factor_required(user) -> bool:
    return settings.OTP_REQUIRED_FOR_EVERYONE or role_of(user) in (
        Role.ADMINISTRATOR,
        Role.AUDITOR,
    )


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _note_in_history(user, *, by, reason: str) -> None:
    """A row in the account's history (and so in the change log): who acted, and why."""
    account = get_user_model().objects.get(pk=user.pk)
    with acting_person(by), change_reason(reason):
        account.save()


@transaction.atomic
def two_factor_enrol(*, device: TOTPDevice, by) -> list[str]:
    """Confirm an authenticator app whose first code was right; new recovery codes."""
    device.confirmed = True
    device.save()
    StaticDevice.objects.filter(user=device.user).delete()
    recovery = StaticDevice.objects.create(user=device.user, name="Recovery codes")
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    _note_in_history(device.user, by=by, reason="Two-factor sign-in set up")
    return codes


@transaction.atomic
def two_factor_reset(*, user, by, reason: str) -> None:
    """An administrator removes a person's authenticator app and recovery codes (a lost
    phone): at their next request they are asked to set it up again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    _note_in_history(user, by=by, reason=f"Two-factor sign-in reset: {reason}")


def note_pending_at_sign_in(sender, request, user, **kwargs):
    """``user_logged_in``: whether this session owes a code is looked up once, here."""
    if request is not None and hasattr(request, "session") and has_two_factor(user):
        request.session[PENDING_SESSION_KEY] = True


class RequireTwoFactor:
    """After ``LoginRequiredMiddleware`` and django-otp's ``OTPMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_VERIFIED:
            return None
        if two_factor_required(user):
            page = "two_factor_verify" if has_two_factor(user) else "two_factor_set_up"
        elif request.session.get(PENDING_SESSION_KEY):
            if not has_two_factor(user):  # reset since this sign-in: optional again
                del request.session[PENDING_SESSION_KEY]
                return None
            page = "two_factor_verify"
        else:
            return None  # optional and not set up: no query on each request
        return redirect(f"{reverse(page)}?{urlencode({'next': request.get_full_path()})}")
