"""Assessment pages under one client, ``/clients/<client_id>/assessments/…`` (the lead's
``enrollments/urls.py`` includes these at ``clients/<int:client_id>/``)."""

from django.urls import path

from . import assessment_views

app_name = "enrollments"

urlpatterns = [
    path("assessments/", assessment_views.assessment_list, name="assessments"),
    path("assessments/new/", assessment_views.assessment_new, name="assessment_new"),
    path(
        "assessments/<int:assessment_id>/",
        assessment_views.assessment_detail,
        name="assessment_detail",
    ),
]
