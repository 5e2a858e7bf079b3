from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import two_factor_views, views

urlpatterns = [
    path("", include("pages.urls")),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/session/", views.session_keep_alive, name="session_keep_alive"),
    path("accounts/two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor_views.set_up, name="two_factor_set_up"),
    path(
        "accounts/two-factor/reset/<int:user_id>/",
        two_factor_views.reset,
        name="two_factor_reset",
    ),
    path("clients/", include("pages.client_urls")),
    path("clients/<int:client_id>/", include("placements.urls")),
    path("clients/<int:client_id>/", include("referrals.client_urls")),
    path("clients/<int:client_id>/", include("casenotes.urls")),
    path("clients/<int:client_id>/", include("plans.urls")),
    path("clients/<int:client_id>/", include("appointments.client_urls")),
    path("clients/<int:client_id>/", include("enrollments.urls")),
    path("calendar/", include("appointments.urls")),
    path("referrals/", include("referrals.urls")),
    path("harm-reduction/", include("harm_reduction.urls")),
    path("reminders/", include("reminders.urls")),
    path("caseloads/", include("caseloads.urls")),
    path("data-quality/", include("enrollments.quality_urls")),
    path("audit/", include("housingfirst.audit_log.urls")),
    path("hmis/", include("hmis.urls")),
    path("admin/", admin.site.urls),
]
