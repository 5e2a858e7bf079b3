from django.urls import path

from . import views

app_name = "hmis"

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/<int:export_id>/status/", views.export_status, name="status"),
    path("export/<int:export_id>/download/", views.export_download, name="download"),
]
