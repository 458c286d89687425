"""Changes, their approvals, the change calendar and blackout periods (under /desk/changes/)."""

from django.urls import path

from itportal.servicedesk import views_changes as v
from itportal.servicedesk import views_feed as feed

urlpatterns = [
    path("", v.ChangeList.as_view(), name="change_list"),
    path("add/", v.ChangeCreate.as_view(), name="change_add"),
    path("<int:pk>/", v.ChangeDetail.as_view(), name="change_detail"),
    path("<int:pk>/edit/", v.ChangeEdit.as_view(), name="change_edit"),
    path("<int:pk>/delete/", v.ChangeDelete.as_view(), name="change_delete"),
    path("<int:pk>/submit/", v.ChangeSubmit.as_view(), name="change_submit"),
    path("<int:pk>/approve/", v.ChangeApprove.as_view(), name="change_approve"),
    path("<int:pk>/reject/", v.ChangeReject.as_view(), name="change_reject"),
    path("<int:pk>/implement/", v.ChangeImplement.as_view(), name="change_implement"),
    path("<int:pk>/cancel/", v.ChangeCancel.as_view(), name="change_cancel"),
    path("calendar/", v.ChangeCalendar.as_view(), name="change_calendar"),
    path("calendar.ics", v.ChangeCalendarIcs.as_view(), name="change_calendar_ics"),
    path("calendar/token/", feed.ChangeFeedToken.as_view(), name="change_feed_token"),
    path(
        "calendar/token/revoke/",
        feed.ChangeFeedTokenRevoke.as_view(),
        name="change_feed_token_revoke",
    ),
    path(
        "calendar/feed/<str:token>.ics",
        feed.ChangeCalendarFeed.as_view(),
        name="change_calendar_feed",
    ),
    path("blackouts/", v.BlackoutList.as_view(), name="blackout_list"),
    path("blackouts/add/", v.BlackoutCreate.as_view(), name="blackout_add"),
    path("blackouts/<int:pk>/", v.BlackoutDetail.as_view(), name="blackout_detail"),
    path("blackouts/<int:pk>/edit/", v.BlackoutEdit.as_view(), name="blackout_edit"),
    path("blackouts/<int:pk>/delete/", v.BlackoutDelete.as_view(), name="blackout_delete"),
]
