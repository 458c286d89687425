"""Demo profiles, the ordered list of app steps, and the context handed to each step.

A step is a function `build(ctx)` in an app's `demo.py`. It reads its numbers from
`ctx.params("<app label>")`, draws every random choice from `ctx.rng`, creates its rows with
`ctx.create(...)` (bulk inserts, audited as created by `command:demo`) and leaves what later
steps need as attributes on `ctx` (the organisation step documents what it leaves).
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

# Run in this order; a later app appends its step after the ones it builds on.
STEPS = [
    "itportal.organisation.demo.build",
    "itportal.registry.demo.build",
    "itportal.catalogue.demo.build",
    "itportal.chargeback.demo.build",
    "itportal.servicedesk.demo.build",
]

# The password of every demo login, printed by the command.
DEMO_PASSWORD = "demo-portal-2026"
DEMO_ACTOR = "command:demo"
BATCH_SIZE = 2000


@dataclass(frozen=True)
class Profile:
    name: str
    description: Any
    # Numbers per app label: params["organisation"]["employees"], …
    params: dict[str, dict[str, Any]] = field(default_factory=dict)


PROFILES = {
    "small": Profile(
        name="small",
        description=_("A mid-sized municipality (about 7,500 employees) and its companies."),
        params={
            "organisation": {
                "municipality": "Norrsjö kommun",
                "place": "Norrsjö",
                "municipality_code": "2590",
                "inhabitants": 79_400,
                "domain": "norrsjo.example",
                # People in the municipality's administrations (politicians come on top).
                "employees": 6_900,
                # Relative size of the central offices against schools, care homes, …
                "staff_factor": 1,
                "council_seats": 61,
                "executive_seats": 13,
                "board_seats": 9,
                # How many of each kind of workplace.
                "families": {
                    "school": 28,
                    "preschool": 45,
                    "upper_secondary": 4,
                    "home_care": 18,
                    "care_home": 14,
                    "group_home": 14,
                    "library": 6,
                    "youth_centre": 6,
                    "kitchen": 16,
                },
                # Group the workplaces of the big families into areas (0: no area level).
                "areas": 0,
                "extra_boards": (),
                # People per company.
                "companies": {
                    "holding": 4,
                    "housing": 110,
                    "energy": 180,
                    "port": 45,
                    "premises": 55,
                    "tourism": 25,
                },
                "vendors": 60,
                "foreign_vendors": 4,
                "product_boards": 2,
                "steering_groups": 2,
                # Planted gaps.
                "vendors_without_contacts": 2,
                "units_without_manager": 4,
                "inactive_people": 25,
            },
            "registry": {
                "systems": 350,
                "integrations": 900,
                # Share of the integrations that touch the hubs (e-services, finance, …).
                "hub_share": 0.3,
                # Products bought separately by several units (licence coordination).
                "separate_products": 8,
                # Planted gaps: systems per kind (see registry/demo.py).
                "gaps": {
                    "no_owner": 4,
                    "no_manager": 5,
                    "inactive_holder": 5,
                    "vendor_operations": 4,
                    "stale_review": 12,
                    "personal_data_no_controller": 3,
                    "personal_data_no_record": 4,
                    "saas_outside_eea": 3,
                    "retired_integration": 2,
                    "retired_role": 2,
                    "retired_licence": 2,
                    "lifecycle_dates": 3,
                },
            },
            "catalogue": {
                # Subscription rows, ended ones included (see catalogue/demo.py).
                "subscriptions": 15_000,
            },
            "chargeback": {
                # Runs of this year: monthly ("year") or, for complete quarters, quarterly
                # ("quarter"); see chargeback/demo.py.
                "monthly": "year",
                "operating_cost_per_inhabitant": 98_000,
                # IT costs outside the catalogue, as shares of the operating cost.
                "other_it_share": (0.009, 0.011),
                "development_share": (0.003, 0.004),
                # Fictitious peer municipalities for the benchmark page, and their sizes.
                "peers": 12,
                "peer_inhabitants": (30_000, 160_000),
            },
            "servicedesk": {
                # Tickets opened over the last 365 days (see servicedesk/demo/), problems
                # on top of them, and changes.
                "tickets": 30_000,
                "problems": 150,
                "changes": 30,
            },
        },
    ),
    "large": Profile(
        name="large",
        description=_("A big city group (about 50,000 employees, 12 companies)."),
        params={
            "organisation": {
                "municipality": "Västerhamns stad",
                "place": "Västerhamn",
                "municipality_code": "1298",
                "inhabitants": 612_000,
                "domain": "vasterhamn.example",
                "employees": 45_000,
                "staff_factor": 4,
                "council_seats": 81,
                "executive_seats": 15,
                "board_seats": 11,
                "families": {
                    "school": 140,
                    "preschool": 300,
                    "upper_secondary": 16,
                    "home_care": 90,
                    "care_home": 70,
                    "group_home": 70,
                    "library": 22,
                    "youth_centre": 26,
                    "kitchen": 70,
                },
                "areas": 5,
                "extra_boards": ("labour_market", "service"),
                "companies": {
                    "holding": 8,
                    "housing": 650,
                    "energy": 1_100,
                    "port": 280,
                    "premises": 320,
                    "tourism": 90,
                    "water": 420,
                    "transit": 1_350,
                    "parking": 90,
                    "waste": 380,
                    "arena": 110,
                    "citynet": 70,
                },
                "vendors": 200,
                "foreign_vendors": 10,
                "product_boards": 3,
                "steering_groups": 3,
                "vendors_without_contacts": 5,
                "units_without_manager": 15,
                "inactive_people": 150,
            },
            "registry": {
                "systems": 2_000,
                "integrations": 10_000,
                "hub_share": 0.3,
                "separate_products": 20,
                "gaps": {
                    "no_owner": 15,
                    "no_manager": 20,
                    "inactive_holder": 25,
                    "vendor_operations": 15,
                    "stale_review": 60,
                    "personal_data_no_controller": 12,
                    "personal_data_no_record": 18,
                    "saas_outside_eea": 10,
                    "retired_integration": 6,
                    "retired_role": 6,
                    "retired_licence": 6,
                    "lifecycle_dates": 10,
                },
            },
            "catalogue": {
                "subscriptions": 120_000,
            },
            "chargeback": {
                "monthly": "quarter",
                "operating_cost_per_inhabitant": 104_000,
                "other_it_share": (0.008, 0.010),
                "development_share": (0.003, 0.004),
                "peers": 12,
                "peer_inhabitants": (150_000, 1_000_000),
            },
            "servicedesk": {
                "tickets": 300_000,
                "problems": 700,
                "changes": 90,
            },
        },
    ),
}


class DemoContext:
    """What a step gets: the profile, a seeded generator, and what earlier steps made.

    `rng` is re-seeded by the command before each step from the profile, the seed and the step's
    name, so adding a step never changes the data of the steps before it.
    """

    def __init__(self, profile, seed, *, scale=1.0):
        self.profile = profile
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)
        self.actor = DEMO_ACTOR
        self.password = DEMO_PASSWORD
        # (username, description) of each demo login, printed by the command.
        self.logins = []
        # Rows created, per model, for the command's summary.
        self.created = Counter()
        self._used_org_numbers = set()
        self._unaudited = []

    def seed_step(self, step):
        self.rng = random.Random(f"{self.profile.name}:{self.seed}:{step}")

    def params(self, app_label):
        return self.profile.params.get(app_label, {})

    def scaled(self, n, minimum=1):
        """`n` multiplied by the scale (tests run reduced profiles), at least `minimum`."""
        return max(minimum, round(n * self.scale))

    def org_number(self, prefix):
        """A new valid Swedish organisation number starting with `prefix` ('212000', '556')."""
        from stdnum import luhn
        from stdnum.se import orgnr

        while True:
            digits = prefix + "".join(str(self.rng.randrange(10)) for _i in range(9 - len(prefix)))
            number = digits + luhn.calc_check_digit(digits)
            if number not in self._used_org_numbers:
                self._used_org_numbers.add(number)
                return orgnr.format(number)

    def create(self, objs, batch_size=BATCH_SIZE):
        """Bulk-insert `objs` (one model) and queue their 'create' audit rows."""
        objs = list(objs)
        if not objs:
            return objs
        model = type(objs[0])
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        self._unaudited.extend(objs)
        self.created[model] += len(objs)
        return objs

    def update(self, objs, fields, batch_size=500):
        """Bulk-update `fields` of rows created earlier in this step (no audit row of its own:
        the step's 'create' rows are written afterwards, from the final state)."""
        objs = list(objs)
        if objs:
            type(objs[0])._default_manager.bulk_update(objs, fields, batch_size=batch_size)

    def flush_audit(self, batch_size=BATCH_SIZE):
        """Write one 'create' ObjectChange per row created since the last flush."""
        from django.contrib.contenttypes.models import ContentType

        from itportal.core.context import current_request_id, current_source
        from itportal.core.models import ObjectChange
        from itportal.core.services import snapshot

        source = current_source()[:50]
        request_id = current_request_id()
        content_types = {}
        rows = []
        for obj in self._unaudited:
            model = type(obj)
            if model not in content_types:
                content_types[model] = ContentType.objects.get_for_model(
                    model, for_concrete_model=False
                )
            rows.append(
                ObjectChange(
                    user=None,
                    actor=self.actor,
                    source=source,
                    request_id=request_id,
                    action=ObjectChange.Action.CREATE,
                    content_type=content_types[model],
                    object_id=str(obj.pk),
                    object_repr=str(obj)[:200],
                    before={},
                    after=snapshot(obj),
                )
            )
            if len(rows) >= batch_size:
                ObjectChange.objects.bulk_create(rows)
                rows = []
        if rows:
            ObjectChange.objects.bulk_create(rows)
        self._unaudited = []
