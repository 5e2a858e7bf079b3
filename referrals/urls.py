"""``/referrals/``: the caseload's referral list and provider management."""

from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("providers/", views.provider_list, name="providers"),
    path("providers/new/", views.provider_new, name="provider_new"),
    path("providers/<int:provider_id>/edit/", views.provider_edit, name="provider_edit"),
]
