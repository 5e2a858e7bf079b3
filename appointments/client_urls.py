"""Pages under one client, ``/clients/<client_id>/appointments/…``."""

from django.urls import path

from . import views

app_name = "client_appointments"

urlpatterns = [
    path("appointments/new/", views.appointment_new, name="new"),
    path("appointments/<int:appointment_id>/edit/", views.appointment_edit, name="edit"),
]
