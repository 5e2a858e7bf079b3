"""One record per submission: a create form carries a token, and the first send claims it.

A double-tapped "Enrol" or "Log a visit" sends the same form twice. ``single_submission``
wraps a create view: the first send claims the form's token in the same transaction as
whatever the view saves; a second send of that token saves nothing and goes where the first
went (PostgreSQL makes it wait for the first to commit). A send that is refused (the form
shown again with errors) releases its token, so the corrected form can be sent.
"""

import uuid
from functools import wraps

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect

from .models import SubmissionToken

ALREADY_SAVED = "This was already saved: it was sent twice and recorded once."
TOKEN_FIELD = "submission_token"


class SingleSubmissionForm:
    """A form mixin: a hidden token, new each time the form is opened."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[TOKEN_FIELD] = forms.UUIDField(
            widget=forms.HiddenInput, required=False, initial=uuid.uuid4
        )


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(TOKEN_FIELD, ""))
    except ValueError:
        return None  # not sent from one of our pages: nothing to deduplicate


def _already_saved(request, token):
    earlier = SubmissionToken.objects.filter(token=token, user=request.user).first()
    messages.info(request, ALREADY_SAVED)
    # Someone else's token (never a real double tap) reveals nothing: back to the form's page.
    return redirect(earlier.result_url if earlier and earlier.result_url else request.path)


def single_submission(view):
    """Decorate a create view whose form mixes in ``SingleSubmissionForm``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _token(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        if SubmissionToken.objects.filter(token=token).exists():
            return _already_saved(request, token)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = SubmissionToken.objects.create(token=token, user=request.user)
            except IntegrityError:  # the first send committed while this one waited
                return _already_saved(request, token)
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303):
                claim.result_url = response["Location"][:500]
                claim.save(update_fields=["result_url"])
            else:
                claim.delete()  # shown again to be corrected: the token stays usable
        return response

    return wrapper
