from django.urls import path

from itportal.chargeback import views_runs as v

urlpatterns = [
    path("runs/", v.RunList.as_view(), name="run_list"),
    path("runs/compute/", v.RunCompute.as_view(), name="run_compute"),
    path("runs/<int:pk>/", v.RunDetail.as_view(), name="run_detail"),
    path("runs/<int:pk>/lines/", v.RunLines.as_view(), name="run_lines"),
    path("runs/<int:pk>/export/", v.RunExport.as_view(), name="run_export"),
    path("runs/<int:pk>/approve/", v.RunApprove.as_view(), name="run_approve"),
    path("runs/<int:pk>/reopen/", v.RunReopen.as_view(), name="run_reopen"),
    path("runs/<int:pk>/close/", v.RunClose.as_view(), name="run_close"),
    path("runs/<int:pk>/delete/", v.RunDelete.as_view(), name="run_delete"),
    path("runs/<int:pk>/recompute/", v.RunRecompute.as_view(), name="run_recompute"),
    path("lines/<int:pk>/adjust/", v.AdjustmentAdd.as_view(), name="adjustment_add"),
]
