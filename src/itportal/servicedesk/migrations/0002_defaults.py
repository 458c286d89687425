"""Reference data a fresh installation starts from: the ITIL priority matrix, the desk's
business hours (weekdays 08:00–17:00, Swedish public holidays and midsommarafton, julafton and
nyårsafton closed) and default SLAs per priority for every service. All are editable."""

import datetime

from django.db import migrations

from itportal.servicedesk.choices import DEFAULT_MATRIX

# priority: (response, resolution) in business minutes (a business day is 9 hours)
DEFAULT_SLAS = {
    1: (15, 4 * 60),
    2: (60, 9 * 60),
    3: (4 * 60, 3 * 9 * 60),
    4: (9 * 60, 5 * 9 * 60),
    5: (2 * 9 * 60, 20 * 9 * 60),
}


def forwards(apps, schema_editor):
    PriorityRule = apps.get_model("servicedesk", "PriorityRule")
    Calendar = apps.get_model("servicedesk", "Calendar")
    OpeningHours = apps.get_model("servicedesk", "OpeningHours")
    SLA = apps.get_model("servicedesk", "SLA")
    for (impact, urgency), priority in DEFAULT_MATRIX.items():
        PriorityRule.objects.get_or_create(
            impact=impact, urgency=urgency, defaults={"priority": priority}
        )
    calendar, created = Calendar.objects.get_or_create(name="Servicedesken, vardagar 08–17")
    if created:
        for weekday in range(5):
            OpeningHours.objects.create(
                calendar=calendar,
                weekday=weekday,
                opens=datetime.time(8),
                closes=datetime.time(17),
            )
    for priority, (response, resolution) in DEFAULT_SLAS.items():
        SLA.objects.get_or_create(
            service=None,
            priority=priority,
            defaults={
                "response_minutes": response,
                "resolution_minutes": resolution,
                "calendar": calendar,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
