from django.urls import path

from itportal.servicedesk import views, views_report, views_saved
from itportal.servicedesk import views_portal as portal
from itportal.servicedesk import views_tickets as tickets

urlpatterns = [
    # The self-service portal
    path("", portal.Portal.as_view(), name="portal"),
    path("report/", portal.IncidentNew.as_view(), name="incident_new"),
    path("order/", portal.Order.as_view(), name="order"),
    # Tickets
    path("tickets/", tickets.TicketList.as_view(), name="ticket_list"),
    path("tickets/bulk/", tickets.TicketBulk.as_view(), name="ticket_bulk"),
    path("tickets/filters/add/", views_saved.SavedFilterCreate.as_view(), name="savedfilter_add"),
    path(
        "tickets/filters/<int:pk>/edit/",
        views_saved.SavedFilterEdit.as_view(),
        name="savedfilter_edit",
    ),
    path(
        "tickets/filters/<int:pk>/delete/",
        views_saved.SavedFilterDelete.as_view(),
        name="savedfilter_delete",
    ),
    path("tickets/<int:pk>/", tickets.TicketDetail.as_view(), name="ticket_detail"),
    path("tickets/<int:pk>/reply/", tickets.TicketReply.as_view(), name="ticket_reply"),
    path("tickets/<int:pk>/status/", tickets.TicketStatus.as_view(), name="ticket_status"),
    path("tickets/<int:pk>/assign/", tickets.TicketAssign.as_view(), name="ticket_assign"),
    path("tickets/<int:pk>/attach/", tickets.TicketAttach.as_view(), name="ticket_attach"),
    path("tickets/<int:pk>/problem/", tickets.TicketProblem.as_view(), name="ticket_problem"),
    path("tickets/<int:pk>/fulfil/", tickets.TicketFulfil.as_view(), name="ticket_fulfil"),
    path("tickets/<int:pk>/decide/", tickets.TicketDecide.as_view(), name="ticket_decide"),
    path(
        "attachments/<int:pk>/",
        tickets.AttachmentDownload.as_view(),
        name="attachment_download",
    ),
    # The agents' overview and incoming e-mail
    path("dashboard/", views.Dashboard.as_view(), name="dashboard"),
    path("sla-report/", views_report.SLAReport.as_view(), name="sla_report"),
    path("intake/", views.IntakeList.as_view(), name="intake_list"),
]
