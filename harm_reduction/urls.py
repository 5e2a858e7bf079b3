"""``/harm-reduction/``: supplies, stock, overdose responses, trainings and the report."""

from django.urls import path

from . import views

app_name = "harm_reduction"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("stock/", views.stock_lots, name="lots"),
    path("stock/receive/", views.stock_receive, name="stock_receive"),
    path("stock/<int:lot_id>/discard/", views.lot_discard, name="lot_discard"),
    path("distributions/new/", views.distribution_new, name="distribution_new"),
    path("distributions/<int:distribution_id>/", views.distribution_detail, name="distribution"),
    path("overdose-responses/new/", views.overdose_response_new, name="overdose_response_new"),
    path(
        "overdose-responses/<int:response_id>/",
        views.overdose_response_detail,
        name="overdose_response",
    ),
    path("trainings/new/", views.training_new, name="training_new"),
    path("trainings/<int:training_id>/", views.training_detail, name="training"),
    path("report/", views.report, name="report"),
]
