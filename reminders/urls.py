"""``/reminders/``: the signed-in person's open reminders, and the done and snooze actions."""

from django.urls import path

from . import views

app_name = "reminders"

urlpatterns = [
    path("", views.reminder_list, name="list"),
    path("clients/suggest/", views.clients_suggest, name="clients_suggest"),
    path("<int:reminder_id>/done/", views.reminder_done, name="done"),
    path("<int:reminder_id>/undo-done/", views.reminder_undo_done, name="undo_done"),
    path("<int:reminder_id>/snooze/", views.reminder_snooze, name="snooze"),
]
