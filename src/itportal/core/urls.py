from django.urls import path

from itportal.core import views_pages as views

app_name = "core"

urlpatterns = [
    path("changes/", views.ChangeList.as_view(), name="change_list"),
    path("changes/<int:pk>/", views.ChangeDetail.as_view(), name="change_detail"),
]
