from django.urls import path

from . import views

app_name = "hmis"

urlpatterns = [
    path("export/", views.export_page, name="export"),
    path("export/<int:export_id>/status/", views.export_status, name="status"),
    path("export/<int:export_id>/download/", views.export_download, name="download"),
    path("import/", views.import_page, name="import"),
    path("import/<int:import_id>/", views.import_detail, name="import_detail"),
    path("import/<int:import_id>/status/", views.import_status, name="import_status"),
]
