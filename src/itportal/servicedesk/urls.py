from django.urls import include, path

app_name = "servicedesk"

# Tickets, the self-service portal, orders, SLAs and calendars (urls_tickets); changes, their
# approvals and the change calendar (urls_changes).
urlpatterns = [
    path("", include("itportal.servicedesk.urls_tickets")),
    path("changes/", include("itportal.servicedesk.urls_changes")),
    path("knowledge/", include("itportal.servicedesk.urls_kb")),
]
