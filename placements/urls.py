"""Pages under /clients/<client_id>/: every placement and contact is reached through its client."""

from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("placements/new/", views.placement_create, name="placement_create"),
    path("placements/<int:pk>/edit/", views.placement_edit, name="placement_edit"),
    path("placements/<int:pk>/move-in/", views.placement_move_in, name="placement_move_in"),
    path("placements/<int:pk>/exit/", views.placement_exit, name="placement_exit"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
    path("timeline/", views.client_timeline, name="timeline"),
    path("housing/history/", views.housing_history, name="history"),
]
