"""A step refused after the form was filled in: the form comes back with the entries.

When a colleague took the step first (a decision or close already recorded, a release already
revoked, a move-in already recorded), redirecting would throw away what the person typed.
``refuse_form`` shows the same form again, bound to what was sent, with the reason tied to it
(``role="alert"`` at the top of the form), answering 409 Conflict. Nothing is saved, and the
submit button is hidden: the entries are there to be read or copied, not sent again.
"""

from django.forms.utils import ErrorDict
from django.shortcuts import render

KEPT_ENTRIES = "What you typed is shown below; it was not saved."


def refuse_form(request, template: str, context: dict, reason: str):
    form = context["form"]
    if form._errors is None:
        # Not validated, and never to be: checking entries for a step that cannot be taken
        # would only add noise (a merge with the colleague's save, rules of a later state).
        form._errors = ErrorDict()
        form.cleaned_data = {}
    form.add_error(None, reason)
    form.add_error(None, KEPT_ENTRIES)
    return render(request, template, {**context, "refused": True}, status=409)
