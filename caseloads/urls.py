from django.urls import path

from . import views

app_name = "caseloads"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.csv", views.export_csv, name="export"),
    path("clients/", views.attention_list, name="clients"),
    path("unassigned/", views.unassigned, name="unassigned"),
    path("reassign/", views.reassign, name="reassign"),
    path("covers/", views.cover_list, name="covers"),
    path("covers/<int:cover_id>/end/", views.cover_end, name="cover_end"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("<int:case_manager_id>/", views.case_manager_caseload, name="case_manager"),
    path("<int:case_manager_id>/cover/", views.cover_create, name="cover_create"),
]
