"""Pages under one client, ``/clients/<client_id>/plan/…``."""

from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("plan/", views.plan_detail, name="detail"),
    path("plan/print/", views.plan_print, name="print"),
    path("plan/start/", views.plan_start, name="start"),
    path("plan/no-plan/", views.plan_no_plan, name="no_plan"),
    path("plan/review/", views.plan_review, name="review"),
    path("plan/edit/", views.plan_edit, name="edit"),
    path("plan/goals/new/", views.goal_new, name="goal_new"),
    path("plan/goals/<int:goal_id>/edit/", views.goal_edit, name="goal_edit"),
    path("plan/goals/<int:goal_id>/steps/new/", views.step_new, name="step_new"),
    path("plan/goals/<int:goal_id>/progress/new/", views.progress_new, name="progress_new"),
    path("plan/steps/<int:step_id>/done/", views.step_done, name="step_done"),
]
