from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.change_log, name="change_log"),
    path("export/", views.change_log_export, name="change_log_export"),
    path("records/<str:model_label>/<str:object_id>/", views.record_history, name="record"),
    path("access/", views.access_log, name="access_log"),
    path("people/suggest/", views.people_suggest, name="people_suggest"),
    path("access/export/", views.access_log_export, name="access_log_export"),
]
