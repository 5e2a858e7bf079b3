"""The two-factor pages: the code after the password, setting up an app, an administrator's
reset (rules and services in ``housingfirst.two_factor``)."""

import base64

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .redirects import safe_next_url
from .roles import Role, role_required
from .two_factor import (
    has_two_factor,
    recovery_codes_left,
    two_factor_enrol,
    two_factor_required,
    two_factor_reset,
)

WRONG_CODE = (
    "That code did not work. Type the 6-digit code your app shows now, or one of your "
    "recovery codes. After several wrong codes each new try waits a little longer."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code from your authenticator app, or a recovery code.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Why reset it",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: lost phone, identity checked in person. Kept in the history.",
    )


def _next(request) -> str:
    return safe_next_url(request) or reverse("home")


@require_http_methods(["GET", "POST"])
def verify(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not has_two_factor(request.user):
        if two_factor_required(request.user):
            return redirect(f"{reverse('two_factor_set_up')}?{request.GET.urlencode()}")
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", WRONG_CODE)
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. An administrator can "
                    "reset your two-factor sign-in if you no longer have your app.",
                )
            return redirect(_next(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _qr_code(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@require_http_methods(["GET", "POST"])
def set_up(request):
    user = request.user
    if has_two_factor(user):
        return render(
            request,
            "registration/two_factor_set_up.html",
            {"enrolled": True, "codes_left": recovery_codes_left(user)},
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = two_factor_enrol(device=device, by=user)
            otp_login(request, device)
            return render(
                request,
                "registration/two_factor_codes.html",
                {"codes": codes, "next": _next(request)},
            )
        form.add_error("code", WRONG_CODE)
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/two_factor_set_up.html",
        {
            "form": form,
            "required": two_factor_required(user),
            # Our own SVG (paths only, no script or style): safe to place in the page.
            "qr_code": mark_safe(_qr_code(device.config_url)),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next(request),
        },
    )


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def reset(request, user_id):
    person = get_object_or_404(get_user_model(), pk=user_id)
    form = ResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        two_factor_reset(user=person, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request,
            f"Two-factor sign-in reset for {person.get_username()}: "
            "they set it up again at their next sign-in.",
        )
        return redirect(reverse("admin:auth_user_change", args=[person.pk]))
    return render(
        request,
        "registration/two_factor_reset.html",
        {"person": person, "form": form, "enrolled": has_two_factor(person)},
    )
