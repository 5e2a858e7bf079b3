"""``/calendar/``: the person's appointments and their private feed."""

from django.urls import path

from . import views

app_name = "appointments"

urlpatterns = [
    path("", views.calendar_week, name="calendar"),
    path("feed/", views.feed_settings, name="feed"),
    path("feed/rotate/", views.feed_rotate, name="feed_rotate"),
    path("feed/off/", views.feed_off, name="feed_off"),
    path("feed/<str:token>.ics", views.feed, name="feed_ics"),
]
