from django.urls import path  # noqa: F401  (filled in below)

app_name = "chargeback"

urlpatterns = []
