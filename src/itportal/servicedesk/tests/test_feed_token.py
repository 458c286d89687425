"""The change calendar by a personal token, for calendar clients that cannot log in: made on the
calendar page and shown once, served without a session, ended by a new token, by revoking it
and by the user's account being deactivated; stored only as a hash; audited."""

import datetime
import hashlib
import re
from urllib.parse import urlsplit

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from itportal.core.browser import axe_check
from itportal.core.models import ObjectChange
from itportal.servicedesk import changes
from itportal.servicedesk.models import Change, FeedToken

pytestmark = pytest.mark.django_db

CALENDAR = "/desk/changes/calendar/"
MAKE = "/desk/changes/calendar/token/"
REVOKE = "/desk/changes/calendar/token/revoke/"


@pytest.fixture
def planned(users):
    start = timezone.now() + datetime.timedelta(days=3)
    change = changes.create_change(
        Change(
            title="Byte av brandvägg",
            kind="standard",
            requested_by=users["itstaff"],
            planned_start=start,
            planned_end=start + datetime.timedelta(hours=2),
        ),
        actor=users["itstaff"],
    )
    changes.submit(change, actor=users["itstaff"])  # standard: approved at once
    return change


def make_token(client):
    """POST the button, follow to the calendar page; the feed's path shown there."""
    response = client.post(MAKE, follow=True)
    assert response.redirect_chain[-1][0] == CALENDAR + "#feed"
    url = response.context["new_feed_url"]
    assert url and f'value="{url}"' in response.content.decode()
    return urlsplit(url).path


def audit_of(user):
    kind = ContentType.objects.get_for_model(FeedToken)
    return list(
        ObjectChange.objects.filter(content_type=kind, user=user)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_the_token_address_serves_the_calendar_without_a_session(planned, users, client_for):
    path = make_token(client_for("employee"))

    response = Client().get(path)  # a calendar program: no login, no cookies

    assert re.fullmatch(r"/desk/changes/calendar/feed/[A-Za-z0-9_-]{43}\.ics", path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]
    assert summaries == [f"{planned.number} Byte av brandvägg"]
    assert response.content == client_for("employee").get("/desk/changes/calendar.ics").content


def test_only_the_hash_of_the_token_is_kept_and_the_address_is_shown_once(users, client_for):
    client = client_for("employee")
    shown = client.post(MAKE, follow=True)
    path = urlsplit(shown.context["new_feed_url"]).path
    token = path.rsplit("/", 1)[1].removesuffix(".ics")

    again = client.get(CALENDAR).content.decode()

    stored = FeedToken.objects.get(user=users["employee"])
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert "no-store" in shown["Cache-Control"]  # the page with the secret is kept nowhere
    assert token not in again
    assert "You made your calendar address on" in again
    assert audit_of(users["employee"]) == ["create"]


def test_a_new_token_ends_the_old_address(users, client_for):
    client = client_for("employee")
    old = make_token(client)

    new = make_token(client)

    assert old != new
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    assert FeedToken.objects.filter(user=users["employee"]).count() == 1
    assert audit_of(users["employee"]) == ["create", "update"]


def test_a_revoked_token_is_not_found(users, client_for):
    client = client_for("employee")
    path = make_token(client)

    response = client.post(REVOKE, follow=True)

    assert Client().get(path).status_code == 404
    assert not FeedToken.objects.exists()
    assert "Make my calendar address" in response.content.decode()
    assert audit_of(users["employee"]) == ["create", "delete"]


def test_the_token_of_an_inactive_user_is_not_found(users, client_for):
    path = make_token(client_for("employee"))
    users["employee"].is_active = False
    users["employee"].save()

    assert Client().get(path).status_code == 404


@pytest.mark.parametrize("token", ["x" * 43, "kort", "x" * 500])
def test_an_unknown_token_is_not_found(users, client_for, token):
    make_token(client_for("employee"))

    assert Client().get(f"/desk/changes/calendar/feed/{token}.ics").status_code == 404


def test_the_page_offers_the_address_and_the_buttons_need_a_post_with_csrf(users):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["employee"])

    page = client.get(CALENDAR).content.decode()
    refused = client.post(MAKE)

    assert 'id="feed"' in page and f'action="{MAKE}"' in page
    assert "csrfmiddlewaretoken" in page
    assert refused.status_code == 403
    assert not FeedToken.objects.exists()
    assert client.get(MAKE).status_code == 405


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_user_makes_and_copies_the_address(page, log_in, users):
    log_in(users["employee"])
    page.goto(CALENDAR)
    axe_check(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Make my calendar address").click()
    axe_check(page)

    address = page.get_by_label("Subscribe to this address.").input_value()
    assert re.search(r"/desk/changes/calendar/feed/[A-Za-z0-9_-]{43}\.ics$", address)
    assert Client().get(urlsplit(address).path).status_code == 200
    page.reload()
    expect(page.get_by_role("button", name="Make a new address")).to_be_visible()
    assert address not in page.content()
