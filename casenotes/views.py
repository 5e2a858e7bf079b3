"""Case-note pages under ``/clients/<client_id>/notes/``.

Every note is fetched through its client (``get_client_for``: out of scope answers 404, a
role that may not write answers 403) and then through ``Note.objects.visible_to(user)``, so a
protected note is shown only to need-to-know staff; every page that shows one writes one
access-log entry per protected note shown (as referral pages do).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from clients.access import can_change_clients, get_client_for, parse_id
from housingfirst.access_log import log_access_many
from housingfirst.history import change_entries
from housingfirst.submissions import single_submission
from housingfirst.versioning import StaleEdit

from . import services
from .forms import AddendumForm, NoteEditForm, NoteForm, NoteSearchForm
from .models import Addendum, Note

NOTES_PER_PAGE = 20
CLIENT_PAGE_NOTES = 3


def _log_protected(request, notes):
    log_access_many(request, [note for note in notes if note.is_protected])


def _notes_of(request, client):
    return (
        Note.objects.visible_to(request.user)
        .filter(client=client)
        .select_related("topic", "written_by", "contact")
        .prefetch_related(
            Prefetch("addenda", queryset=Addendum.objects.select_related("written_by"))
        )
    )


def _note_for(request, client_id, note_id, *, change=False):
    client = get_client_for(request.user, client_id, change=change)
    note = get_object_or_404(_notes_of(request, client), pk=note_id)
    note.client = client
    return client, note


def client_note_section(request, client) -> dict:
    """Context for the client page: the latest three notes (bounded queries)."""
    notes = list(_notes_of(request, client)[:CLIENT_PAGE_NOTES])
    _log_protected(request, notes)
    return {"notes": notes, "can_write": can_change_clients(request.user)}


def note_list(request, client_id):
    client = get_client_for(request.user, client_id)
    form = NoteSearchForm(request.GET or None)
    notes = _notes_of(request, client)
    search = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        search = form.cleaned_data["q"].strip()
        notes = notes.search(search)
    page = Paginator(notes, NOTES_PER_PAGE).get_page(request.GET.get("page"))
    _log_protected(request, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "casenotes/list.html",
        {
            "client": client,
            "form": form,
            "page": page,
            "search": search,
            "query": query.urlencode(),
            "can_write": can_change_clients(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@single_submission
def note_new(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    initial = {}
    contact_id = parse_id(request.GET.get("contact"))
    if contact_id is not None:
        initial["contact"] = contact_id
    form = NoteForm(
        request.POST or None, instance=Note(client=client), client=client, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_write(note=form.instance, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Note saved.")
            return redirect("casenotes:detail", client_id=client.pk, note_id=note.pk)
    return render(
        request,
        "casenotes/form.html",
        {"client": client, "form": form, "title": "Write a note", "submit_label": "Save note"},
    )


def note_detail(request, client_id, note_id):
    client, note = _note_for(request, client_id, note_id)
    _log_protected(request, [note])
    can_write = can_change_clients(request.user)
    return render(
        request,
        "casenotes/detail.html",
        {
            "client": client,
            "note": note,
            "can_write": can_write,
            "can_edit": can_write and note.can_be_edited_by(request.user),
            "addendum_form": AddendumForm() if can_write else None,
            "entries": change_entries(
                Note.history.filter(id=note.pk), Addendum.history.filter(note_id=note.pk)
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def note_edit(request, client_id, note_id):
    client, note = _note_for(request, client_id, note_id, change=True)
    if not note.can_be_edited_by(request.user):
        messages.error(request, services.NOT_EDITABLE)
        return redirect("casenotes:detail", client_id=client.pk, note_id=note.pk)
    form = NoteEditForm(request.POST or None, instance=note, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_update(
                note=form.instance, by=request.user, expected_version=form.cleaned_data["version"]
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        except services.NoteLocked as locked:
            messages.error(request, locked.message)
            return redirect("casenotes:detail", client_id=client.pk, note_id=note.pk)
        else:
            messages.success(request, form.saved_message("Note saved."))
            return redirect("casenotes:detail", client_id=client.pk, note_id=note.pk)
    _log_protected(request, [note])
    return render(
        request,
        "casenotes/form.html",
        {
            "client": client,
            "note": note,
            "form": form,
            "title": "Correct the note",
            "submit_label": "Save note",
        },
    )


@require_http_methods(["GET", "POST"])
@single_submission
def addendum_new(request, client_id, note_id):
    client, note = _note_for(request, client_id, note_id, change=True)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_add_addendum(note=note, text=form.cleaned_data["text"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect("casenotes:detail", client_id=client.pk, note_id=note.pk)
    _log_protected(request, [note])
    return render(
        request, "casenotes/addendum.html", {"client": client, "note": note, "form": form}
    )
