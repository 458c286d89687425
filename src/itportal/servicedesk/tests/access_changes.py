"""Permission-table rows of changes, the change calendar and blackout periods; merged in
access_table.py. Outcomes per role: anonymous, employee, controller, itstaff, coordinator, admin.

IT staff run changes. Approvers need no staff role: anyone logged in reaches the list (which shows
them the changes they are asked to approve, or nothing) and may post a decision (the service
refuses those who are not approvers); the row used here asks no approval of the other roles, so
its page is not found for them. The change calendar and blackout periods are read by everybody.
The calendar's token feed needs no login: the coverage test calls it with a token nobody holds
(404 for every role); servicedesk/tests/test_feed_token.py calls it with real ones.
"""

import datetime

from itportal.core.tests.access_outcomes import (
    API_DENIED,
    API_READ,
    LOGIN,
    PAGE_ADMIN,
    PAGE_READ,
    PAGE_STAFF_WRITE,
)

CHANGE_READ = (LOGIN, 404, 404, 200, 404, 200)  # the row: staff, and its approvers
STAFF_POST = (LOGIN, 403, 403, 405, 403, 405)  # submit, implement, cancel: POST only
DECIDE_POST = (LOGIN, 405, 405, 405, 405, 405)  # approve, reject: any login may post
API_CHANGE_READ = (API_DENIED, 404, 404, 200, 404, 200)
API_POST = (API_DENIED, 405, 405, 405, 405, 405)
LOGGED_IN_POST = (LOGIN, 405, 405, 405, 405, 405)  # one's own calendar token: POST only
NOT_FOUND = (404,) * 6  # the token feed, by a token nobody holds (logged in or not)

ROWS = {
    "servicedesk:change_list": PAGE_READ,
    "servicedesk:change_add": PAGE_STAFF_WRITE,
    "servicedesk:change_detail": CHANGE_READ,
    "servicedesk:change_edit": PAGE_STAFF_WRITE,
    "servicedesk:change_delete": PAGE_ADMIN,
    "servicedesk:change_submit": STAFF_POST,
    "servicedesk:change_approve": DECIDE_POST,
    "servicedesk:change_reject": DECIDE_POST,
    "servicedesk:change_implement": STAFF_POST,
    "servicedesk:change_cancel": STAFF_POST,
    "servicedesk:change_calendar": PAGE_READ,
    "servicedesk:change_calendar_ics": PAGE_READ,
    "servicedesk:change_feed_token": LOGGED_IN_POST,
    "servicedesk:change_feed_token_revoke": LOGGED_IN_POST,
    "servicedesk:change_calendar_feed": NOT_FOUND,
    "servicedesk:blackout_list": PAGE_READ,
    "servicedesk:blackout_detail": PAGE_READ,
    "servicedesk:blackout_add": PAGE_STAFF_WRITE,
    "servicedesk:blackout_edit": PAGE_STAFF_WRITE,
    "servicedesk:blackout_delete": PAGE_ADMIN,
    "change-list": API_READ,
    "change-detail": API_CHANGE_READ,
    "change-impact": API_CHANGE_READ,
    "change-conflicts": API_CHANGE_READ,
    "change-submit": API_POST,
    "change-approve": API_POST,
    "change-reject": API_POST,
    "change-implement": API_POST,
    "change-cancel": API_POST,
    "blackout-list": API_READ,
    "blackout-detail": API_READ,
}


def objects(org):
    """A draft change (requested by a login of its own) and a blackout period of all systems."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from itportal.servicedesk import changes
    from itportal.servicedesk.models import Blackout, Change

    requester = User.objects.create_user("access-change-requester")
    start = timezone.make_aware(datetime.datetime(2031, 3, 3, 18, 0))
    change = changes.create_change(
        Change(
            title="Uppgradera databasservern",
            kind="normal",
            requested_by=requester,
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=3),
        ),
        actor="test",
    )
    blackout = changes.create_blackout(
        Blackout(
            name="Lönekörning",
            start=start - datetime.timedelta(days=1),
            end=start + datetime.timedelta(days=1),
        ),
        actor="test",
    )
    return {Change: change, Blackout: blackout}
