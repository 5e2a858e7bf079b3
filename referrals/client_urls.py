"""Pages under one client, ``/clients/<client_id>/referrals/…`` and ``…/consents/…``."""

from django.urls import path

from . import views

app_name = "client_referrals"

urlpatterns = [
    path("referrals/new/", views.referral_offer, name="offer"),
    path("referrals/<int:referral_id>/", views.referral_detail, name="detail"),
    path("referrals/<int:referral_id>/decision/", views.referral_decision, name="decision"),
    path("referrals/<int:referral_id>/advance/", views.referral_advance, name="advance"),
    path("referrals/<int:referral_id>/close/", views.referral_close, name="close"),
    path("referrals/<int:referral_id>/schedule/", views.referral_schedule, name="schedule"),
    path("referrals/<int:referral_id>/edit/", views.referral_edit, name="edit"),
    path("referrals/<int:referral_id>/undo/", views.referral_undo, name="undo"),
    path("consents/", views.consent_list, name="consents"),
    path("consents/new/", views.consent_new, name="consent_new"),
    path("consents/<int:consent_id>/", views.consent_detail, name="consent_detail"),
    path("consents/<int:consent_id>/revoke/", views.consent_revoke, name="consent_revoke"),
]
