from django.urls import path

from itportal.registry import views_impact

urlpatterns = [
    path("<int:pk>/", views_impact.ImpactView.as_view(), name="impact"),
    path("<int:pk>.svg", views_impact.ImpactSvgView.as_view(), name="impact_svg"),
]
