"""The desk's people: a login for every agent of the IT office, and the assignment groups with
their members."""

from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from itportal.core.roles import Role
from itportal.servicedesk.models import AssignmentGroup

GROUPS = (
    ("first_line", "Servicedesk – första linjen", "servicedesk"),
    ("client", "Klient och arbetsplats", "klient"),
    ("network", "Nätverk", "natverk"),
    ("servers", "Servrar och drift", "drift"),
    ("systems", "Verksamhetssystem", "system"),
    ("telephony", "Telefoni", "telefoni"),
    ("access", "Behörigheter", "behorighet"),
    ("security", "Informationssäkerhet", "informationssakerhet"),
    ("cab", "Förändringsnämnden (CAB)", "cab"),
)
# Groups of the agents of each unit of the IT office: (group, share of the unit's people).
MEMBERSHIP = {
    "servicedesk": (("first_line", 1.0), ("client", 0.35), ("access", 0.3)),
    "operations": (("servers", 0.4), ("network", 0.3), ("telephony", 0.2), ("client", 0.3)),
    "system_management": (("systems", 1.0),),
    "digital": (("systems", 0.5),),
    "security": (("security", 1.0), ("access", 0.4)),
    "it_office": (("cab", 1.0),),
}


class Agents:
    """Part of the Builder: the agents and the groups (sets members, cum_members,
    person_of_user and usernames; ctx.agents and ctx.assignment_groups)."""

    def agents(self):
        ctx, rng = self.ctx, self.rng
        User = get_user_model()
        logins = getattr(ctx, "users", {})
        staff, _created = Group.objects.get_or_create(name=Role.IT_STAFF.value)
        taken = set(User.objects.values_list("username", flat=True))
        by_key, made, linked = {}, [], []
        for key in MEMBERSHIP:
            unit = ctx.unit_by_key.get(key)
            if unit is None:
                continue
            for person in ctx.people_by_unit.get(unit.pk, ()):
                if not person.active:
                    continue
                if person.user_id is None:
                    username = base = person.email.split("@")[0][:140]
                    n = 2
                    while username in taken:
                        username, n = f"{base}{n}", n + 1
                    taken.add(username)
                    person.user = User(
                        username=username,
                        first_name=person.first_name,
                        last_name=person.last_name,
                        email=person.email,
                        password=make_password(None),
                    )
                    made.append(person.user)
                    linked.append(person)
                by_key.setdefault(key, []).append(person)
        User.objects.bulk_create(made)
        for person in linked:
            person.user_id = person.user.pk
        ctx.update(linked, ["user"])
        User.groups.through.objects.bulk_create(
            [User.groups.through(user_id=user.pk, group_id=staff.pk) for user in made]
        )
        ctx.created[User] += len(made)

        members = {key: [] for key, _name, _mail in GROUPS}
        self.person_of_user = {}
        for key, people in by_key.items():
            for person in people:
                self.person_of_user[person.user_id] = person
                chosen = [g for g, share in MEMBERSHIP[key] if share >= 1 or rng.random() < share]
                if not chosen:
                    chosen = [MEMBERSHIP[key][0][0]]
                for group in chosen:
                    members[group].append(person.user_id)
        managers = {
            ctx.unit_by_key[key].manager_id
            for key in ("operations", "system_management", "security", "servicedesk")
            if key in ctx.unit_by_key
        }
        for people in by_key.values():
            for person in people:
                if person.pk in managers and person.user_id not in members["cab"]:
                    members["cab"].append(person.user_id)
        itstaff, admin = logins.get("itstaff"), logins.get("admin")
        for user, groups in (
            (itstaff, ("first_line", "client")),
            (admin, ("systems", "servers", "cab")),
        ):
            if user is None:
                continue
            for group in groups:
                if user.pk not in members[group]:
                    members[group].append(user.pk)
        fallback = [u.pk for u in (itstaff, admin) if u is not None] or [
            pk for ids in members.values() for pk in ids
        ][:1]
        for key in members:
            if not members[key]:
                members[key] = list(fallback)
        for person in ctx.people:
            if person.user_id and person.user_id not in self.person_of_user:
                self.person_of_user[person.user_id] = person

        domain = ctx.params("organisation").get("domain", "example.org")
        groups = [
            AssignmentGroup(
                name=name, email=f"{mail}@{domain}", is_change_advisory_board=key == "cab"
            )
            for key, name, mail in GROUPS
        ]
        ctx.create(groups)
        ctx.assignment_groups = {key: g for (key, _n, _m), g in zip(GROUPS, groups, strict=True)}
        through = AssignmentGroup.members.through
        through.objects.bulk_create(
            [
                through(assignmentgroup_id=ctx.assignment_groups[key].pk, user_id=user_id)
                for key, ids in members.items()
                for user_id in ids
                if user_id is not None
            ]
        )
        self.members = {key: [i for i in ids if i is not None] for key, ids in members.items()}
        weights = {}
        for key, ids in self.members.items():
            # The demo login takes more than its share of the 1st line's tickets.
            weights[key] = [3 if itstaff and pk == itstaff.pk else 1 for pk in ids]
        self.cum_members = {key: list(accumulate(w)) for key, w in weights.items()}
        agent_ids = {pk for ids in self.members.values() for pk in ids}
        users = User.objects.in_bulk(agent_ids)
        self.usernames = {pk: user.get_username() for pk, user in users.items()}
        first = [u for u in (itstaff, admin) if u is not None]
        ctx.agents = first + [
            users[pk] for pk in sorted(agent_ids) if pk not in {u.pk for u in first}
        ]

    def pick(self, group):
        ids = self.members[group]
        return self.rng.choices(ids, cum_weights=self.cum_members[group])[0]
