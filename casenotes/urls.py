"""Pages under one client, ``/clients/<client_id>/notes/…``."""

from django.urls import path

from . import views

app_name = "casenotes"

urlpatterns = [
    path("notes/", views.note_list, name="list"),
    path("notes/new/", views.note_new, name="new"),
    path("notes/<int:note_id>/", views.note_detail, name="detail"),
    path("notes/<int:note_id>/edit/", views.note_edit, name="edit"),
    path("notes/<int:note_id>/addenda/new/", views.addendum_new, name="addendum_new"),
]
