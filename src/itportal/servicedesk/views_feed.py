"""The change calendar's iCalendar feed by a personal token, for calendar clients that cannot
log in: the user makes (or replaces) and revokes their token on the change calendar page; the
token address serves the same body as the logged-in feed, as long as the token's user is active
and may read the calendar. An unknown, replaced or revoked token is not found."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from itportal.core.access import LoggedIn, Public
from itportal.core.views import PortalView
from itportal.servicedesk import feeds, ical
from itportal.servicedesk.models import FeedToken

CALENDAR_READERS = LoggedIn()  # the change calendar page, its .ics and the token feed
NEW_TOKEN = "servicedesk:new-feed-token"  # session key: the new token, shown once


def ics_response(request):
    body = ical.build_calendar(absolute_url=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="change-calendar.ics"'
    return response


def feed_url(request, token):
    path = reverse("servicedesk:change_calendar_feed", kwargs={"token": token})
    return request.build_absolute_uri(path)


def feed_context(request):
    """The change calendar page's part: whether the user has a token, and the address of a
    token just made (shown this once; only its hash is kept)."""
    token = request.session.pop(NEW_TOKEN, None)
    held = FeedToken.objects.restrict(request.user, "view").filter(user=request.user).first()
    return {
        "feed_token": held,
        "new_feed_url": feed_url(request, token) if token and held else None,
        "feed_token_url": reverse("servicedesk:change_feed_token"),
        "feed_revoke_url": reverse("servicedesk:change_feed_token_revoke"),
    }


class ChangeFeedToken(PortalView):
    """Make the user's feed token, or replace it (the old address stops working)."""

    access_rule = CALENDAR_READERS
    http_method_names = ["post"]

    def post(self, request):
        replaced = FeedToken.objects.filter(user=request.user).exists()
        request.session[NEW_TOKEN] = feeds.issue_token(request.user, actor=request.user)
        if replaced:
            messages.success(
                request, _("You have a new calendar address; the old one no longer works.")
            )
        else:
            messages.success(request, _("You have a calendar address to subscribe to."))
        return HttpResponseRedirect(reverse("servicedesk:change_calendar") + "#feed")


class ChangeFeedTokenRevoke(PortalView):
    access_rule = CALENDAR_READERS
    http_method_names = ["post"]

    def post(self, request):
        if feeds.revoke_token(request.user, actor=request.user):
            messages.success(request, _("Your calendar address no longer works."))
        return HttpResponseRedirect(reverse("servicedesk:change_calendar") + "#feed")


class ChangeCalendarFeed(PortalView):
    """The feed by token, without a login: the token is the credential (Public to the access
    rules; this view checks the token's user against the calendar's rule itself)."""

    access_rule = Public()
    http_method_names = ["get", "head"]

    def get(self, request, token):
        user = feeds.user_of_token(token)
        if user is None or not CALENDAR_READERS.allows(user):
            raise Http404
        response = ics_response(request)
        response["Cache-Control"] = "private, max-age=900"
        response["X-Robots-Tag"] = "noindex"
        return response
