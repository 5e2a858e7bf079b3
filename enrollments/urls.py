"""Pages under one client, ``/clients/<client_id>/enrollment/…``."""

from django.urls import path

from . import views
from .assessment_urls import urlpatterns as assessment_patterns

app_name = "enrollments"

urlpatterns = [
    path("enrollment/", views.enrollment_detail, name="detail"),
    path("enrollment/start/", views.enrollment_start, name="start"),
    path("enrollment/edit/", views.enrollment_edit, name="edit"),
    path("enrollment/exit/", views.enrollment_exit, name="exit"),
    path("enrollment/household/", views.household, name="household"),
    path("enrollment/household/new/", views.member_new, name="member_new"),
    *assessment_patterns,
]
