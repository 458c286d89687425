"""The Django admin keeps the desk's calendars and assignment groups: inline rows (opening hours,
exceptions) and a group's members are saved through the services, validated and logged."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from itportal.core.models import ObjectChange
from itportal.core.testing import make_user
from itportal.servicedesk.models import AssignmentGroup, Calendar, CalendarException, OpeningHours


@pytest.fixture
def admin_site():
    client = Client()
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    return client


def _changes(model, obj_id=None):
    rows = ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(model))
    return rows.filter(object_id=str(obj_id)) if obj_id is not None else rows


def _calendar_form(calendar, hours, exceptions):
    data = {
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "public_holidays": "on",
        "closed_eves": calendar.closed_eves,
        "hours-TOTAL_FORMS": str(len(hours)),
        "hours-INITIAL_FORMS": str(sum(1 for h in hours if h.get("id"))),
        "exceptions-TOTAL_FORMS": str(len(exceptions)),
        "exceptions-INITIAL_FORMS": str(sum(1 for e in exceptions if e.get("id"))),
    }
    for prefix, rows in (("hours", hours), ("exceptions", exceptions)):
        for index, row in enumerate(rows):
            for name, value in row.items():
                data[f"{prefix}-{index}-{name}"] = value
            data[f"{prefix}-{index}-calendar"] = calendar.pk
    return data


@pytest.mark.django_db
def test_inline_opening_hours_and_exceptions_are_logged(admin_site):
    calendar = Calendar.objects.get()  # the default calendar the migration seeds
    monday = calendar.hours.get(weekday=0)
    hours = [
        {"id": h.pk, "weekday": h.weekday, "opens": "08:00", "closes": "17:00"}
        for h in calendar.hours.exclude(pk=monday.pk)
    ]
    hours.append({"id": monday.pk, "weekday": 0, "opens": "07:30", "closes": "17:00"})
    exception = {"date": "2026-12-23", "opens": "", "closes": "", "note": "Personaldag"}

    response = admin_site.post(
        f"/admin/servicedesk/calendar/{calendar.pk}/change/",
        _calendar_form(calendar, hours, [exception]),
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    monday.refresh_from_db()
    assert monday.opens == datetime.time(7, 30)
    assert monday.version == 2
    change = _changes(OpeningHours, monday.pk).get(action="update")
    assert change.after == {"opens": "07:30:00"}
    assert change.user.username == "root"
    added = CalendarException.objects.get(calendar=calendar)
    assert _changes(CalendarException, added.pk).get().action == "create"


@pytest.mark.django_db
def test_a_bad_inline_row_is_refused_and_nothing_is_saved(admin_site):
    calendar = Calendar.objects.get()
    hours = [
        {"id": h.pk, "weekday": h.weekday, "opens": "08:00", "closes": "17:00"}
        for h in calendar.hours.all()
    ]
    hours[0]["closes"] = "07:00"  # closes before it opens
    before = ObjectChange.objects.count()

    response = admin_site.post(
        f"/admin/servicedesk/calendar/{calendar.pk}/change/",
        _calendar_form(calendar, hours, []),
    )

    assert response.status_code == 200
    assert "The desk must close after it opens." in response.content.decode()
    assert ObjectChange.objects.count() == before
    assert not calendar.hours.filter(closes=datetime.time(7)).exists()


@pytest.mark.django_db
def test_deleting_an_inline_row_is_logged(admin_site):
    calendar = Calendar.objects.get()
    hours = [
        {"id": h.pk, "weekday": h.weekday, "opens": "08:00", "closes": "17:00"}
        for h in calendar.hours.all()
    ]
    friday = calendar.hours.get(weekday=4)
    for row in hours:
        if row["id"] == friday.pk:
            row["DELETE"] = "on"

    response = admin_site.post(
        f"/admin/servicedesk/calendar/{calendar.pk}/change/",
        _calendar_form(calendar, hours, []),
    )

    assert response.status_code == 302
    assert not OpeningHours.objects.filter(pk=friday.pk).exists()
    assert _changes(OpeningHours, friday.pk).get().action == "delete"


@pytest.mark.django_db
def test_a_groups_members_are_logged(admin_site):
    agent = make_user("agent1")
    group = AssignmentGroup.objects.create(name="Nätverk")

    response = admin_site.post(
        f"/admin/servicedesk/assignmentgroup/{group.pk}/change/",
        {"name": "Nätverk", "email": "", "members": [agent.pk]},
    )

    assert response.status_code == 302
    assert list(group.members.all()) == [agent]
    change = _changes(AssignmentGroup, group.pk).get(action="update")
    assert change.after == {"members": [agent.pk]}
