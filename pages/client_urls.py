"""``/clients/…`` under one namespace, "clients": the client app's own pages (intake, profile,
history) and the two pages that compose several apps and so live here: the client list (a
table of housing, contact, reminder and referral figures) and the client page."""

from django.urls import path

from clients.urls import urlpatterns as client_app_patterns

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list, name="list"),
    *client_app_patterns,
    path("<int:client_id>/", views.client_detail, name="detail"),
]
