from django.urls import path

from . import quality_views

app_name = "data_quality"

urlpatterns = [
    path("", quality_views.data_quality, name="overview"),
]
