from django.urls import path

from . import views

# Included under the "clients" namespace by ``pages.client_urls``, which adds the client list
# (``clients:list``, a table of figures from several apps) and the client page
# (``clients:detail``): those compose several apps, so they live in the layer above.
urlpatterns = [
    path("new/", views.client_create, name="create"),
    path("duplicates/", views.duplicate_list, name="duplicates"),
    path(
        "duplicates/<int:pair_id>/different-people/",
        views.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/history/", views.client_history, name="history"),
    path("<int:client_id>/link/", views.client_link, name="link"),
    path("<int:client_id>/unlink/", views.client_unlink, name="unlink"),
]
