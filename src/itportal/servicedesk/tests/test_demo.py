"""The service desk's demo data (servicedesk/demo/), built through `manage.py demo` on a tenth
of the `small` profile at a fixed moment: a year of tickets with seasons, consistent histories
and SLA clocks, numbers that continue, and the same data for the same seed."""

import datetime
import json
import re
from collections import Counter
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from itportal.core.models import ObjectChange
from itportal.core.services import snapshot
from itportal.organisation.models import Person
from itportal.servicedesk import services, sla
from itportal.servicedesk.choices import OPEN_STATUSES, Approval, EntryKind, Kind, Status
from itportal.servicedesk.demo import clock
from itportal.servicedesk.models import (
    Article,
    ArticleVote,
    AssignmentGroup,
    Blackout,
    Change,
    ChangeApproval,
    IntakeMessage,
    StatusChange,
    Ticket,
    TicketCounter,
    TicketEntry,
)

SCALE = 0.1
# The moment of the build: a Wednesday afternoon, so the desk is open and busy.
BUILT = datetime.datetime(2026, 11, 25, 14, 30, tzinfo=datetime.UTC)


def build(seed=1, scale=SCALE, at=BUILT):
    """The demo at `at`: every part of the step reads the time through demo.clock."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "timezone", SimpleNamespace(now=lambda: at))
        call_command("demo", profile="small", seed=seed, scale=scale, stdout=StringIO())


def local(moment):
    return timezone.localtime(moment)


def histories():
    """{ticket id: [(status, at), …]} in time order."""
    found = {}
    for ticket_id, status, at in StatusChange.objects.order_by("ticket_id", "at", "pk").values_list(
        "ticket_id", "status", "at"
    ):
        found.setdefault(ticket_id, []).append((status, at))
    return found


@pytest.fixture(scope="class")
def desk(django_db_setup, django_db_blocker):
    """A tenth of `small`, built once for the class and rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        build()
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.usefixtures("desk")
class TestDemoDesk:
    def test_tickets_come_over_a_year_with_the_seasons_of_a_municipal_desk(self):
        opened = [local(at) for at in Ticket.objects.values_list("opened_at", flat=True)]
        assert 2_700 <= len(opened) <= 3_300
        assert min(opened) >= local(BUILT) - datetime.timedelta(days=366)
        assert max(opened) <= local(BUILT)
        months = Counter((at.year, at.month) for at in opened)
        for back in range(12):
            moment = local(BUILT) - datetime.timedelta(days=30 * back)
            assert months[(moment.year, moment.month)] > 50, moment
        by_month = Counter(at.month for at in opened)
        assert by_month[8] > 2 * by_month[7]
        assert by_month[1] > 1.5 * by_month[7]
        days = Counter(at.weekday() for at in opened)
        weekday = sum(days[d] for d in range(5)) / 5
        weekend = (days[5] + days[6]) / 2
        assert weekday > 8 * weekend
        hours = Counter(at.hour for at in opened)
        assert hours[9] > 3 * hours[19]
        assert hours[14] > hours[12] > hours[6]

    def test_there_are_incidents_requests_questions_and_problems_with_their_incidents(self):
        kinds = Counter(Ticket.objects.values_list("kind", flat=True))
        assert kinds[Kind.INCIDENT] > kinds[Kind.REQUEST] > kinds[Kind.QUESTION] > 0
        problems = Ticket.objects.filter(kind=Kind.PROBLEM)
        assert problems.count() >= 10
        assert Ticket.objects.filter(problem__isnull=False, kind=Kind.INCIDENT).count() >= 10
        known = problems.filter(known_error=True)
        assert known.exists()
        assert not known.filter(workaround="").exists()
        assert Ticket.objects.filter(system__isnull=False).count() > 500

    def test_orders_name_a_quantity_and_their_approval_matches_their_status(self):
        orders = Ticket.objects.filter(kind=Kind.REQUEST, service__orderable=True).exclude(
            approval=Approval.NOT_NEEDED
        )
        assert orders.count() > 200
        assert not orders.filter(quantity__isnull=True).exists()
        done = (Status.RESOLVED, Status.CLOSED)
        for order in orders:
            if order.approval == Approval.PENDING:
                assert order.status in OPEN_STATUSES and order.approved_at is None, order
            else:
                assert order.approved_at is not None, order
            if order.approval == Approval.REJECTED:
                assert order.status in done, order
        assert orders.filter(approval=Approval.APPROVED, status=Status.CLOSED).exists()

    def test_every_history_is_in_time_order_and_ends_in_the_tickets_status(self):
        found = histories()
        for ticket in Ticket.objects.all():
            statuses = found[ticket.pk]
            assert statuses[0] == (Status.NEW, ticket.opened_at), ticket
            assert statuses[-1][0] == ticket.status, ticket
            times = [at for _status, at in statuses]
            assert times == sorted(times) and len(set(times)) == len(times), ticket
            if ticket.status == Status.CLOSED:
                assert ticket.opened_at <= ticket.resolved_at <= ticket.closed_at, ticket
                resolved = [at for status, at in statuses if status == Status.RESOLVED]
                assert ticket.resolved_at == resolved[-1], ticket
            if ticket.status in OPEN_STATUSES:
                assert ticket.resolved_at is None and ticket.closed_at is None, ticket
            if ticket.responded_at is not None:
                assert ticket.responded_at >= ticket.opened_at, ticket

    def test_old_tickets_are_closed_and_recent_ones_in_every_status(self):
        old = Ticket.objects.filter(opened_at__lt=BUILT - datetime.timedelta(weeks=8))
        assert old.exclude(status=Status.CLOSED).count() <= old.count() // 100
        recent = Ticket.objects.filter(opened_at__gte=BUILT - datetime.timedelta(weeks=3))
        # New tickets are triaged within the hour: at this scale there may be none.
        assert set(recent.values_list("status", flat=True)) >= set(Status.values) - {Status.NEW}
        assert 40 <= Ticket.objects.filter(status__in=OPEN_STATUSES).count() <= 300

    def test_entries_carry_their_historical_times(self):
        rows = list(TicketEntry.objects.values_list("ticket_id", "created", "ticket__opened_at"))
        times = [created for _ticket, created, _opened in rows]
        assert max(times) <= BUILT
        assert min(times) < BUILT - datetime.timedelta(days=300)
        assert len({local(at).date() for at in times}) > 300
        assert all(created >= opened for _ticket, created, opened in rows)
        # The first response is the time of an entry: the desk's first reply, or the
        # resolution (an order rejected before anyone answered).
        by_ticket = {}
        for ticket_id, created, _opened in rows:
            by_ticket.setdefault(ticket_id, set()).add(created)
        responded = Ticket.objects.filter(responded_at__isnull=False)
        assert responded.count() > 0.9 * Ticket.objects.count()
        for ticket_id, at in responded.values_list("pk", "responded_at"):
            assert at in by_ticket[ticket_id], ticket_id
        replies = TicketEntry.objects.filter(kind=EntryKind.REPLY)
        assert replies.count() >= responded.count()
        assert TicketEntry.objects.filter(kind=EntryKind.NOTE).exists()

    def test_every_ticket_has_its_create_row_in_the_change_log(self):
        changes = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Ticket)
        )
        assert changes.count() == Ticket.objects.count()
        assert set(changes.values_list("actor", "source", "action").distinct()) == {
            ("command:demo", "command", ObjectChange.Action.CREATE)
        }
        for ticket in list(Ticket.objects.order_by("pk"))[::40]:
            change = changes.get(object_id=str(ticket.pk))
            assert change.object_repr == str(ticket)
            assert change.after == json.loads(json.dumps(snapshot(ticket), cls=DjangoJSONEncoder))

    def test_the_sla_clocks_are_those_the_breach_task_computes(self):
        fields = sla.SLA_FIELDS
        sample = list(Ticket.objects.filter(status__in=OPEN_STATUSES).order_by("pk")[:60])
        sample += list(Ticket.objects.filter(status=Status.CLOSED).order_by("pk")[:60])
        for ticket in sample:
            stored = sla.fields_of(ticket)
            sla.refresh(ticket, now=BUILT)
            assert sla.fields_of(ticket) == stored, (ticket, {f: stored[f] for f in fields})
        tickets = Ticket.objects.count()
        breached = Ticket.objects.filter(response_breached=True) | Ticket.objects.filter(
            resolution_breached=True
        )
        assert 0.01 * tickets <= breached.count() <= 0.12 * tickets
        assert not Ticket.objects.filter(sla__isnull=True).exists()

    def test_the_next_ticket_continues_the_numbering(self):
        for ticket in Ticket.objects.all():
            assert re.fullmatch(r"(INC|REQ|PRB|QST)-20\d\d-\d{6}", ticket.number), ticket
        for counter in TicketCounter.objects.exclude(prefix="CHG"):
            numbers = Ticket.objects.filter(number__startswith=f"{counter.prefix}-{counter.year}-")
            assert max(numbers.values_list("number", flat=True)).endswith(f"{counter.last:06d}")
        year = local(BUILT).year
        last = TicketCounter.objects.get(prefix="INC", year=year).last
        person = Person.objects.filter(active=True).first()
        ticket = services.open_ticket(
            kind=Kind.INCIDENT,
            requester=person,
            title="Skrivaren skriver inte ut",
            actor=get_user_model().objects.get(username="itstaff"),
            now=BUILT + datetime.timedelta(minutes=5),
        )
        assert ticket.number == f"INC-{year}-{last + 1:06d}"

    def test_the_desk_has_groups_with_agents_and_itstaff_has_tickets_of_their_own(self):
        first_line = AssignmentGroup.objects.get(name="Servicedesk – första linjen")
        itstaff = get_user_model().objects.get(username="itstaff")
        assert first_line.members.filter(pk=itstaff.pk).exists()
        assert AssignmentGroup.objects.filter(is_change_advisory_board=True).count() == 1
        for group in AssignmentGroup.objects.all():
            assert group.members.exists(), group
        mine = Ticket.objects.filter(agent=itstaff, status__in=OPEN_STATUSES)
        assert mine.exists()
        agents = Ticket.objects.exclude(agent=None).values("agent").distinct().count()
        assert agents >= 5
        employee = Person.objects.get(user__username="employee")
        assert Ticket.objects.filter(requester=employee).count() >= 5

    def test_changes_blackouts_articles_and_incoming_mail(self):
        normal = Change.objects.filter(kind="normal").exclude(status="draft")
        assert normal.exists()
        for change in normal:
            assert change.approvals.filter(board__is_change_advisory_board=True).exists()
        implemented = Change.objects.filter(status="implemented")
        assert implemented.exists()
        assert not ChangeApproval.objects.filter(
            change__in=implemented.filter(kind="normal"), decision="pending"
        ).exists()
        payroll = Blackout.objects.filter(name__startswith="Lönekörning")
        assert payroll.count() >= 12
        assert all(local(b.start).day == 23 for b in payroll)
        for article in Article.objects.all():
            votes = ArticleVote.objects.filter(article=article)
            assert article.helpful == votes.filter(helpful=True).count()
            assert article.not_helpful == votes.filter(helpful=False).count()
        assert Article.objects.filter(services__isnull=False).exists()
        failed = IntakeMessage.objects.filter(outcome=IntakeMessage.Outcome.FAILED)
        assert failed.count() >= 2
        assert not failed.filter(error="").exists()
        assert IntakeMessage.objects.filter(outcome="ticket", ticket__isnull=False).exists()


def desk_data():
    tickets = list(
        Ticket.objects.order_by("number").values_list(
            "number",
            "kind",
            "title",
            "status",
            "priority",
            "requester__email",
            "group__name",
            "agent__username",
            "opened_at",
            "responded_at",
            "resolved_at",
            "closed_at",
            "resolution_due",
            "resolution_breached",
            "problem__number",
        )
    )
    entries = Counter(TicketEntry.objects.values_list("ticket__number", "kind", "created", "body"))
    statuses = list(
        StatusChange.objects.order_by("ticket__number", "at").values_list(
            "ticket__number", "status", "at"
        )
    )
    changes = list(Change.objects.order_by("number").values_list("number", "title", "status"))
    return tickets, entries, statuses, changes


def build_and_roll_back(seed):
    with transaction.atomic():
        build(seed=seed, scale=0.05)
        data = desk_data()
        transaction.set_rollback(True)
    return data


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_desk():
    first = build_and_roll_back(seed=3)
    assert len(first[0]) > 1_000 and len(first[1]) > 5_000
    assert first == build_and_roll_back(seed=3)


@pytest.mark.django_db
def test_a_ticket_nobody_has_taken_yet_is_new_and_unassigned():
    """Built early on a Monday, before the desk opens, the tickets of the weekend are new, with
    nobody on them (as in servicedesk.services.assign: taking a new ticket makes it assigned)."""
    build(scale=0.3, at=datetime.datetime(2026, 11, 30, 6, 30, tzinfo=datetime.UTC))

    new = Ticket.objects.filter(status=Status.NEW)
    assert new.exists()
    assert not new.filter(agent__isnull=False).exists()
    assert not new.filter(group__isnull=False).exists()
