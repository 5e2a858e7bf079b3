"""``/clients/…`` under one namespace, "clients": the client app's own pages (list, intake,
profile, history) and the client page, which composes several apps and so lives here."""

from django.urls import path

from clients.urls import urlpatterns as client_app_patterns

from . import views

app_name = "clients"

urlpatterns = [
    *client_app_patterns,
    path("<int:client_id>/", views.client_detail, name="detail"),
]
