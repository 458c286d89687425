"""The organisation register's step of the demo generator.

Builds one municipal group: the municipality with its boards (nämnder), administrations
(förvaltningar), offices, departments and workplaces; its companies; the people of every unit;
the bodies (KF, KS, KDL, the service council, product boards, steering groups) with their
members; the IT vendors with their contacts; and the demo logins.

Left on `ctx` for later steps:
    municipality          the municipality (Organisation)
    companies             its companies, holding company first (list of Organisation)
    organisations         municipality first, then the companies
    units                 every OrgUnit, parents before children
    unit_by_key           notable units by key: "it_office", "servicedesk", "operations",
                          "system_management", "digital", "security", "finance_office",
                          "budget", "chancery", "city_admin", "education_admin",
                          "social_admin", "technical_admin", …
    units_by_family       workplaces by family: "school", "preschool", "upper_secondary",
                          "home_care", "care_home", "group_home", "library", "youth_centre",
                          "kitchen", "it", "politics", "company", …
    administrations       the municipality's administrations (OrgUnit, kind administration)
    people                every Person
    people_by_unit        {unit pk: [Person, …]}, the unit's manager first
    it_coordinators       {administration pk: Person}, its IT coordinator
    bodies                {key: Body}: "council", "executive_board", "management_group",
                          "service_council", "product_board_1", …, "steering_group_1", …
    vendors               every Vendor
    users                 {username: User} of the demo logins
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from itportal.core.roles import Role
from itportal.demo import names
from itportal.organisation.choices import (
    BodyKind,
    MemberRole,
    OrganisationKind,
    UnitKind,
    UnitRoleKind,
)
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    UnitRole,
    Vendor,
    VendorContact,
)

# Numbers set aside by the Swedish regulator (PTS) for use in fiction: nobody answers them.
FICTIONAL_MOBILE = ("070-174 06 {:02d}", 5, 99)
FICTIONAL_OFFICE = (
    ("08-465 004 {:02d}", 0, 99),
    ("031-390 06 {:02d}", 0, 99),
    ("040-628 04 {:02d}", 0, 99),
)

POLITICAL_TERM_START = datetime.date(2023, 1, 1)
COUNCIL_TERM_START = datetime.date(2022, 10, 15)

# Staff titles: (title, relative weight).
ADMIN_STAFF = (("Handläggare", 3), ("Utredare", 2), ("Administratör", 2), ("Controller", 1))


@dataclass(eq=False)
class Plan:
    """A unit to create: its place in the tree, its size and the titles of its people."""

    name: str
    kind: str
    head: str = "Enhetschef"
    titles: tuple = ADMIN_STAFF
    weight: float = 0
    seats: int = 0  # a fixed number of people (politicians); otherwise from the weight
    minimum: int = 2
    family: str = ""
    key: str = ""
    children: list = field(default_factory=list)
    unit: OrgUnit | None = None
    people: list = field(default_factory=list)
    size: int = 0

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


# --- The municipality ---------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    """Many workplaces of one kind (schools, care homes, …), named after places."""

    key: str
    department: str
    department_head: str
    area_label: str
    head: str
    titles: tuple
    weight: tuple  # people per workplace, low and high


FAMILIES = {
    "school": Family(
        "school",
        "Grundskola",
        "Verksamhetschef grundskola",
        "Skolområde",
        "Rektor",
        (
            ("Lärare", 12),
            ("Fritidspedagog", 2),
            ("Elevassistent", 2),
            ("Speciallärare", 1),
            ("Skolsköterska", 0.3),
            ("Kurator", 0.3),
            ("Skoladministratör", 0.5),
        ),
        (25, 65),
    ),
    "preschool": Family(
        "preschool",
        "Förskola",
        "Verksamhetschef förskola",
        "Förskoleområde",
        "Rektor",
        (("Förskollärare", 4), ("Barnskötare", 5), ("Kock", 0.3)),
        (9, 24),
    ),
    "upper_secondary": Family(
        "upper_secondary",
        "Gymnasieskola",
        "Verksamhetschef gymnasieskola",
        "Gymnasieområde",
        "Rektor",
        (
            ("Gymnasielärare", 12),
            ("Yrkeslärare", 3),
            ("Studie- och yrkesvägledare", 0.5),
            ("Skolsköterska", 0.3),
            ("Elevassistent", 1),
        ),
        (60, 140),
    ),
    "home_care": Family(
        "home_care",
        "Hemtjänst",
        "Verksamhetschef hemtjänst",
        "Hemtjänstområde",
        "Enhetschef",
        (("Undersköterska", 6), ("Vårdbiträde", 3), ("Samordnare", 0.3)),
        (22, 45),
    ),
    "care_home": Family(
        "care_home",
        "Äldreomsorg",
        "Verksamhetschef äldreomsorg",
        "Äldreomsorgsområde",
        "Enhetschef",
        (
            ("Undersköterska", 7),
            ("Vårdbiträde", 2),
            ("Sjuksköterska", 1),
            ("Arbetsterapeut", 0.3),
            ("Fysioterapeut", 0.2),
        ),
        (30, 75),
    ),
    "group_home": Family(
        "group_home",
        "Funktionsnedsättning",
        "Verksamhetschef funktionsnedsättning",
        "LSS-område",
        "Enhetschef",
        (("Stödassistent", 5), ("Boendestödjare", 2)),
        (7, 16),
    ),
    "library": Family(
        "library",
        "Bibliotek",
        "Bibliotekschef",
        "Biblioteksområde",
        "Enhetschef",
        (("Bibliotekarie", 2), ("Biblioteksassistent", 1)),
        (3, 8),
    ),
    "youth_centre": Family(
        "youth_centre",
        "Fritid",
        "Fritidschef",
        "Fritidsområde",
        "Enhetschef",
        (("Fritidsledare", 1),),
        (3, 6),
    ),
    "kitchen": Family(
        "kitchen",
        "Måltidsservice",
        "Kostchef",
        "Måltidsområde",
        "Köksansvarig",
        (("Kock", 2), ("Måltidsbiträde", 2)),
        (4, 12),
    ),
}
AREA_FAMILIES = ("school", "preschool", "home_care", "care_home", "group_home", "kitchen")
AREAS = ("Norr", "Söder", "Öster", "Väster", "Centrum", "Hamnen", "Dalen")


def _unit(name, weight, titles, head="Enhetschef", key="", family="", kind=UnitKind.UNIT):
    return Plan(name, kind, head=head, titles=titles, weight=weight, key=key, family=family)


def _dept(name, head, weight, titles, children=(), key="", kind=UnitKind.DEPARTMENT):
    return Plan(name, kind, head=head, titles=titles, weight=weight, key=key, children=[*children])


def _office(name, head, weight, titles, children=(), key=""):
    return _dept(name, head, weight, titles, children, key=key, kind=UnitKind.OFFICE)


IT_SERVICEDESK = (("Supporttekniker", 3), ("IT-tekniker", 2))
IT_OPERATIONS = (
    ("Drifttekniker", 3),
    ("Nätverkstekniker", 2),
    ("Systemadministratör", 2),
    ("Servertekniker", 1),
)
IT_SYSTEMS = (("Systemförvaltare", 3), ("Systemadministratör", 1), ("Applikationsspecialist", 2))
IT_DIGITAL = (
    ("Digitaliseringsstrateg", 1),
    ("Verksamhetsutvecklare", 2),
    ("IT-arkitekt", 1),
    ("Projektledare", 2),
)
IT_SECURITY = (("Informationssäkerhetssamordnare", 1), ("IT-säkerhetsspecialist", 2))


def _city_administration():
    it_office = _office(
        "IT-kontoret",
        "IT-chef",
        3,
        (("IT-strateg", 1), ("Administratör", 1)),
        [
            _unit("Servicedesk", 14, IT_SERVICEDESK, key="servicedesk", family="it"),
            _unit("Drift och infrastruktur", 16, IT_OPERATIONS, key="operations", family="it"),
            _unit("Systemförvaltning", 12, IT_SYSTEMS, key="system_management", family="it"),
            _unit("Digitalisering och utveckling", 8, IT_DIGITAL, key="digital", family="it"),
            _unit("Informationssäkerhet", 4, IT_SECURITY, key="security", family="it"),
        ],
        key="it_office",
    )
    return [
        it_office,
        _office(
            "HR-kontoret",
            "HR-chef",
            2,
            (("HR-strateg", 1),),
            [
                _unit("Lön och pension", 12, (("Lönehandläggare", 4), ("Pensionshandläggare", 1))),
                _unit("HR-stöd", 10, (("HR-specialist", 2), ("HR-konsult", 1))),
                _unit("Arbetsmiljö och hälsa", 5, (("Arbetsmiljöspecialist", 1),)),
            ],
            key="hr_office",
        ),
        _office(
            "Ekonomikontoret",
            "Ekonomichef",
            2,
            (("Ekonomistrateg", 1),),
            [
                _unit("Redovisning", 8, (("Redovisningsekonom", 2), ("Ekonomiassistent", 1))),
                _unit(
                    "Budget och analys", 6, (("Controller", 2), ("Budgetstrateg", 1)), key="budget"
                ),
                _unit("Upphandling", 7, (("Upphandlare", 3), ("Avtalscontroller", 1))),
            ],
            key="finance_office",
        ),
        _office(
            "Kansliet",
            "Kanslichef",
            2,
            (("Kommunjurist", 1),),
            [
                _unit(
                    "Nämndadministration",
                    7,
                    (("Nämndsekreterare", 3), ("Registrator", 1)),
                    key="board_admin",
                ),
                _unit("Arkiv", 4, (("Arkivarie", 1), ("Arkivassistent", 1)), key="archive"),
            ],
            key="chancery",
        ),
        _office("Kommunikationskontoret", "Kommunikationschef", 8, (("Kommunikatör", 2),)),
        _office("Näringslivskontoret", "Näringslivschef", 6, (("Näringslivsutvecklare", 1),)),
        _office("Säkerhet och beredskap", "Säkerhetschef", 4, (("Säkerhetssamordnare", 1),)),
        _office("Kontaktcenter", "Kontaktcenterchef", 14, (("Kundtjänsthandläggare", 1),)),
    ]


def _technical_administration():
    return [
        _dept(
            "Gata och park",
            "Avdelningschef",
            2,
            ADMIN_STAFF,
            [
                _unit("Gata", 30, (("Anläggningsarbetare", 3), ("Maskinförare", 2))),
                _unit("Park", 22, (("Parkarbetare", 3), ("Trädgårdsmästare", 1))),
            ],
        ),
        _dept(
            "Vatten och avlopp",
            "Avdelningschef",
            2,
            ADMIN_STAFF,
            [
                _unit("Vattenverket", 12, (("Drifttekniker", 2), ("Processingenjör", 1))),
                _unit("Avloppsreningsverket", 12, (("Drifttekniker", 1),)),
                _unit("Ledningsnät", 18, (("VA-montör", 1),)),
            ],
        ),
        _dept(
            "Fastighet",
            "Fastighetschef",
            2,
            ADMIN_STAFF,
            [
                _unit("Fastighetsdrift", 30, (("Fastighetsskötare", 3), ("Drifttekniker", 1))),
                _unit("Projekt och underhåll", 10, (("Projektledare", 1), ("Byggingenjör", 1))),
            ],
        ),
        _dept("Lokalvård", "Lokalvårdschef", 60, (("Lokalvårdare", 1),)),
    ]


def _planning_administration():
    return [
        _dept("Planavdelningen", "Planchef", 12, (("Planarkitekt", 2), ("Planhandläggare", 1))),
        _dept(
            "Bygglovsavdelningen",
            "Bygglovschef",
            12,
            (("Bygglovshandläggare", 2), ("Byggnadsinspektör", 1)),
        ),
        _dept(
            "Lantmäteri och GIS",
            "Stadsingenjör",
            14,
            (("Lantmätare", 2), ("GIS-ingenjör", 1), ("Kartingenjör", 1)),
        ),
        _dept(
            "Mark och exploatering",
            "Exploateringschef",
            8,
            (("Exploateringsingenjör", 2), ("Markförhandlare", 1)),
        ),
    ]


def _culture_administration():
    return [
        _dept(
            "Idrott och anläggningar",
            "Avdelningschef",
            25,
            (("Anläggningsskötare", 2), ("Badmästare", 1)),
        ),
        _dept("Kulturskolan", "Rektor", 25, (("Musiklärare", 3), ("Kulturpedagog", 1))),
        _dept(
            "Kultur och evenemang",
            "Kulturchef",
            8,
            (("Kulturstrateg", 1), ("Evenemangssamordnare", 1)),
        ),
    ]


def _social_administration():
    return [
        _dept(
            "Individ- och familjeomsorg",
            "Verksamhetschef IFO",
            2,
            ADMIN_STAFF,
            [
                _unit("Barn och familj", 18, (("Socialsekreterare", 1),)),
                _unit("Vuxen och beroende", 12, (("Socialsekreterare", 2), ("Behandlare", 1))),
                _unit("Ekonomiskt bistånd", 14, (("Socialsekreterare", 1),)),
                _unit("Mottagning", 6, (("Socialsekreterare", 1),)),
            ],
        ),
        _dept("Bistånd", "Enhetschef", 14, (("Biståndshandläggare", 1),)),
        _dept(
            "Hälso- och sjukvård",
            "Medicinskt ansvarig sjuksköterska",
            40,
            (("Sjuksköterska", 3), ("Arbetsterapeut", 1), ("Fysioterapeut", 1)),
        ),
    ]


def _education_extra():
    return [
        _dept(
            "Elevhälsa",
            "Elevhälsochef",
            25,
            (("Skolsköterska", 2), ("Skolpsykolog", 1), ("Kurator", 2), ("Specialpedagog", 2)),
        ),
        _dept("Vuxenutbildning", "Rektor", 20, (("Lärare", 4), ("Studie- och yrkesvägledare", 1))),
    ]


def _environment_administration():
    return [
        _unit("Miljöskydd", 8, (("Miljöinspektör", 1),)),
        _unit("Livsmedelskontroll", 6, (("Livsmedelsinspektör", 1),)),
        _unit("Hälsoskydd", 6, (("Miljö- och hälsoskyddsinspektör", 1),)),
    ]


# (key, board, administration, its head, the administration's own children, families)
BOARDS = (
    (
        "city",
        "Kommunstyrelsen",
        "Stadsledningsförvaltningen",
        "Kommundirektör",
        _city_administration,
        (),
    ),
    (
        "education",
        "Barn- och utbildningsnämnden",
        "Utbildningsförvaltningen",
        "Utbildningsdirektör",
        _education_extra,
        ("preschool", "school", "upper_secondary"),
    ),
    (
        "social",
        "Socialnämnden",
        "Socialförvaltningen",
        "Socialdirektör",
        _social_administration,
        ("care_home", "home_care", "group_home"),
    ),
    (
        "technical",
        "Tekniska nämnden",
        "Tekniska förvaltningen",
        "Teknisk direktör",
        _technical_administration,
        ("kitchen",),
    ),
    (
        "planning",
        "Stadsbyggnadsnämnden",
        "Stadsbyggnadsförvaltningen",
        "Stadsbyggnadsdirektör",
        _planning_administration,
        (),
    ),
    (
        "culture",
        "Kultur- och fritidsnämnden",
        "Kultur- och fritidsförvaltningen",
        "Kultur- och fritidsdirektör",
        _culture_administration,
        ("library", "youth_centre"),
    ),
    (
        "environment",
        "Miljö- och byggnadsnämnden",
        "Miljöförvaltningen",
        "Miljöchef",
        _environment_administration,
        (),
    ),
    (
        "guardianship",
        "Överförmyndarnämnden",
        "Överförmyndarförvaltningen",
        "Förvaltningschef",
        list,
        (),
    ),
)
EXTRA_BOARDS = {
    "labour_market": (
        "labour_market",
        "Arbetsmarknadsnämnden",
        "Arbetsmarknadsförvaltningen",
        "Arbetsmarknadsdirektör",
        lambda: [
            _dept("Arbetsmarknadsenheten", "Enhetschef", 40, (("Arbetskonsult", 2),)),
            _dept("Försörjningsstöd", "Enhetschef", 50, (("Socialsekreterare", 1),)),
            _dept(
                "Etablering och integration", "Enhetschef", 20, (("Integrationshandläggare", 1),)
            ),
        ],
        (),
    ),
    "service": (
        "service",
        "Servicenämnden",
        "Serviceförvaltningen",
        "Servicedirektör",
        lambda: [
            _dept("Fordonsservice", "Enhetschef", 20, (("Fordonstekniker", 1),)),
            _dept("Intern service", "Enhetschef", 25, (("Servicetekniker", 2), ("Vaktmästare", 1))),
            _dept("Inköpscentralen", "Inköpschef", 12, (("Inköpare", 1),)),
        ],
        (),
    ),
}

POLITICAL_TITLES = ("Ordförande", "1:e vice ordförande", "2:e vice ordförande", "Ledamot")

# --- Companies ----------------------------------------------------------------------------

COMPANY_STAFF = (("Ekonom", 1), ("Administratör", 1), ("HR-specialist", 0.5))
CUSTOMER_SERVICE = (("Kundtjänstmedarbetare", 1),)

# key: (name pattern, departments as (name, weight, titles, sub-units as (name, weight, titles)))
COMPANIES = {
    "holding": ("{place} Stadshus AB", ()),
    "housing": (
        "{stem}bostäder AB",
        (
            (
                "Förvaltning",
                2,
                ADMIN_STAFF,
                (
                    ("Område Norr", 20, (("Bovärd", 2), ("Fastighetsskötare", 2))),
                    ("Område Söder", 20, (("Bovärd", 2), ("Fastighetsskötare", 2))),
                    ("Område Centrum", 16, (("Bovärd", 2), ("Fastighetsskötare", 2))),
                ),
            ),
            ("Uthyrning och kundservice", 14, (("Uthyrare", 2), ("Kundtjänstmedarbetare", 1)), ()),
            ("Fastighetsutveckling", 8, (("Projektledare", 1), ("Byggingenjör", 1)), ()),
            ("Ekonomi och administration", 8, COMPANY_STAFF, ()),
        ),
    ),
    "energy": (
        "{place} Energi AB",
        (
            (
                "Elnät",
                2,
                ADMIN_STAFF,
                (
                    ("Nätdrift", 25, (("Elnätstekniker", 3), ("Drifttekniker", 1))),
                    ("Nätutbyggnad", 18, (("Elmontör", 2), ("Projektledare", 1))),
                ),
            ),
            (
                "Fjärrvärme",
                2,
                ADMIN_STAFF,
                (
                    ("Kraftvärmeverket", 30, (("Drifttekniker", 3), ("Processingenjör", 1))),
                    ("Distribution", 15, (("Rörmontör", 2),)),
                ),
            ),
            ("Elhandel och kundservice", 25, CUSTOMER_SERVICE, ()),
            ("Ekonomi och administration", 12, COMPANY_STAFF, ()),
            ("IT och digitalisering", 8, (("IT-tekniker", 2), ("Systemutvecklare", 1)), ()),
        ),
    ),
    "port": (
        "{Stem} Hamn AB",
        (
            (
                "Hamndrift",
                2,
                ADMIN_STAFF,
                (
                    ("Stuveri", 20, (("Stuveriarbetare", 3), ("Kranförare", 1))),
                    ("Terminal", 10, (("Terminalarbetare", 1),)),
                ),
            ),
            ("Marknad och försäljning", 4, (("Säljare", 1),), ()),
            ("Administration", 5, COMPANY_STAFF, ()),
        ),
    ),
    "premises": (
        "{place} Lokaler AB",
        (
            ("Fastighetsförvaltning", 15, (("Fastighetsförvaltare", 1), ("Tekniker", 2)), ()),
            ("Projekt och byggnation", 10, (("Projektledare", 1), ("Byggingenjör", 1)), ()),
            ("Drift och service", 20, (("Fastighetsskötare", 1),), ()),
        ),
    ),
    "tourism": (
        "{place} Turism och Evenemang AB",
        (
            ("Destinationsutveckling", 6, (("Destinationsutvecklare", 1),), ()),
            ("Evenemang", 8, (("Evenemangssamordnare", 1),), ()),
            ("Besöksservice", 8, (("Turistinformatör", 1),), ()),
        ),
    ),
    "water": (
        "{place} Vatten AB",
        (
            ("Produktion", 30, (("Drifttekniker", 2), ("Processingenjör", 1)), ()),
            ("Ledningsnät", 30, (("VA-montör", 1),), ()),
            ("Kundservice", 8, CUSTOMER_SERVICE, ()),
        ),
    ),
    "transit": (
        "{place} Lokaltrafik AB",
        (
            (
                "Trafik",
                2,
                ADMIN_STAFF,
                (
                    ("Depå Norr", 60, (("Bussförare", 1),)),
                    ("Depå Söder", 60, (("Bussförare", 1),)),
                    ("Spårvagn", 40, (("Spårvagnsförare", 1),)),
                ),
            ),
            ("Fordon och verkstad", 20, (("Fordonstekniker", 1),), ()),
            ("Trafikplanering", 6, (("Trafikplanerare", 1),), ()),
            ("Kundcenter", 10, CUSTOMER_SERVICE, ()),
        ),
    ),
    "parking": (
        "{place} Parkering AB",
        (
            ("Parkeringsövervakning", 12, (("Parkeringsvakt", 1),), ()),
            ("Drift och kundservice", 6, CUSTOMER_SERVICE, ()),
        ),
    ),
    "waste": (
        "{place} Renhållning AB",
        (
            ("Insamling", 40, (("Renhållningsarbetare", 1), ("Chaufför", 1)), ()),
            ("Återvinningscentraler", 15, (("Återvinningsarbetare", 1),), ()),
            ("Kundservice", 6, CUSTOMER_SERVICE, ()),
        ),
    ),
    "arena": (
        "{place} Arena AB",
        (
            ("Drift", 10, (("Drifttekniker", 1), ("Vaktmästare", 1)), ()),
            ("Evenemang och bokning", 5, (("Evenemangssamordnare", 1),), ()),
        ),
    ),
    "citynet": (
        "{place} Stadsnät AB",
        (
            ("Nätdrift", 8, (("Nätverkstekniker", 1),), ()),
            ("Försäljning och kundservice", 4, (("Säljare", 1),), ()),
        ),
    ),
}

# --- Vendors ------------------------------------------------------------------------------

CONTACT_ROLES = (
    "Kundansvarig",
    "Account manager",
    "Supportansvarig",
    "Teknisk kontakt",
    "Avtalsansvarig",
    "Projektledare",
    "Konsultchef",
)
VENDOR_NOTES = (
    "",
    "",
    "",
    "Ramavtal via inköpscentral.",
    "Direktupphandlat, avtalet löper ut om två år.",
    "Leverantören har servicefönster tisdagar 18–22.",
    "Support via leverantörens kundportal.",
)


def _weighted(rng, titles):
    names_, weights = zip(*titles, strict=True)
    return rng.choices(names_, weights=weights)[0]


class _Builder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.p = ctx.params("organisation")
        self.place = self.p["place"]
        self.stem = names.genitive_stem(self.place)
        self.by_key = {}
        self.emails = {}

    # Organisations

    def organisations(self):
        p, ctx = self.p, self.ctx
        municipality = Organisation(
            name=p["municipality"],
            short_name=self.place,
            kind=OrganisationKind.MUNICIPALITY,
            org_number=ctx.org_number("2120002"),
            municipality_code=p["municipality_code"],
            inhabitants=p["inhabitants"],
        )
        companies = []
        for key in p["companies"]:
            pattern = COMPANIES[key][0]
            name = pattern.format(place=self.place, Stem=self.stem, stem=self.stem.lower())
            name = name[0].upper() + name[1:]
            companies.append(
                Organisation(
                    name=name,
                    short_name=name.removesuffix(" AB"),
                    kind=OrganisationKind.COMPANY,
                    org_number=ctx.org_number("556"),
                    owner=municipality,
                )
            )
        ctx.create([municipality])
        ctx.create(companies)
        ctx.municipality = municipality
        ctx.companies = companies
        ctx.organisations = [municipality, *companies]
        self.company_keys = dict(zip(p["companies"], companies, strict=True))

    # Unit trees (in memory)

    def _politics(self, name, seats):
        return Plan(
            name,
            UnitKind.BOARD,
            head=POLITICAL_TITLES[0],
            seats=seats,
            family="politics",
        )

    def _family_plans(self, family):
        spec = FAMILIES[family]
        count = self.ctx.scaled(self.p["families"][family])
        leaves = [
            _unit(name, self.rng.randint(*spec.weight), spec.titles, spec.head, family=family)
            for name in self._family_names(family, count)
        ]
        dept = _dept(spec.department, spec.department_head, 2, ADMIN_STAFF, key=family)
        areas = min(self.p["areas"], len(AREAS))
        if areas > 1 and family in AREA_FAMILIES and len(leaves) >= 3 * areas:
            groups = [
                _dept(f"{spec.area_label} {AREAS[i]}", "Områdeschef", 2, ADMIN_STAFF)
                for i in range(areas)
            ]
            for i, leaf in enumerate(leaves):
                groups[i % areas].children.append(leaf)
            dept.children = groups
        else:
            dept.children = leaves
        return dept

    def _place_names(self):
        pool = [
            a + b.lower()
            for a in names.PLACE_PREFIXES
            for b in names.PLACE_SUFFIXES
            if b[:3] != a.lower()[:3]  # no "Bergberg"
        ]
        self.rng.shuffle(pool)
        return pool

    def _family_names(self, family, count):
        places = self._place_names()
        stems = [names.genitive_stem(p) for p in places]
        if family == "school":
            made = [f"{s}skolan" for s in stems]
        elif family == "preschool":
            words = list(names.PRESCHOOL_WORDS)
            self.rng.shuffle(words)
            made = [f"Förskolan {w}" for w in words] + [f"{s} förskola" for s in stems]
        elif family == "upper_secondary":
            made = [f"{s}gymnasiet" for s in stems]
        elif family == "home_care":
            made = [f"Hemtjänst {p}" for p in places]
        elif family == "care_home":
            made = [f"{s}gården" for s in stems]
        elif family == "group_home":
            made = [f"Gruppbostad {p}" for p in places]
        elif family == "library":
            made = ["Stadsbiblioteket"] + [f"{p} bibliotek" for p in places]
        elif family == "youth_centre":
            made = [f"Fritidsgården {p}" for p in places]
        else:
            made = [f"Tillagningskök {p}" for p in places]
        while len(made) < count:  # only for absurd scales
            made.append(f"{made[len(made) % len(places)]} {len(made) // len(places) + 1}")
        return made[:count]

    def _board(self, spec, seats):
        key, board_name, admin_name, admin_head, children, families = spec
        board = self._politics(board_name, seats)
        admin = Plan(
            admin_name,
            UnitKind.ADMINISTRATION,
            head=admin_head,
            titles=ADMIN_STAFF,
            weight=8,
            minimum=3,
            key=f"{key}_admin",
        )
        admin.children = [self._family_plans(f) for f in families] + children()
        board.children = [admin]
        return board

    def municipality_plans(self):
        p = self.p
        seats = self.ctx.scaled(p["board_seats"], minimum=3)
        roots = [
            self._politics("Kommunfullmäktige", self.ctx.scaled(p["council_seats"], minimum=3)),
        ]
        roots[0].key = "council"
        boards = list(BOARDS)
        boards += [EXTRA_BOARDS[k] for k in p["extra_boards"]]
        for spec in boards:
            board_seats = seats
            if spec[0] == "city":
                board_seats = self.ctx.scaled(p["executive_seats"], minimum=3)
            elif spec[0] == "guardianship":
                board_seats = min(seats, 5)
            board = self._board(spec, board_seats)
            board.key = f"{spec[0]}_board"
            roots.append(board)
        roots.append(self._politics("Valnämnden", min(seats, 5)))
        for root in roots:
            for plan in root.walk():
                if plan.family != "politics" and plan.family not in FAMILIES:
                    plan.weight *= p["staff_factor"]
        return roots

    def company_plan(self, key, company):
        departments = COMPANIES[key][1]
        root = Plan(
            company.name,
            UnitKind.ADMINISTRATION,
            head="VD",
            titles=(("Ekonomichef", 1), ("Administratör", 1), ("Kommunikatör", 1)),
            weight=4,
            family="company",
            key=f"company_{key}",
        )
        for name, weight, titles, subunits in departments:
            dept = _dept(name, "Avdelningschef", weight, titles)
            dept.family = "company"
            dept.children = [
                _unit(sub, sub_weight, sub_titles, family="company")
                for sub, sub_weight, sub_titles in subunits
            ]
            root.children.append(dept)
        return [root]

    # Sizes, units, cost centres, paths

    def size(self, roots, target):
        plans = [plan for root in roots for plan in root.walk()]
        staffed = [plan for plan in plans if not plan.seats]
        total = sum(plan.weight for plan in staffed) or 1
        for plan in plans:
            if plan.seats:
                plan.size = plan.seats
            else:
                plan.size = max(plan.minimum, round(plan.weight * target / total))

    def create_units(self, organisation, roots, first_cost_centre, block):
        """Create the units level by level, numbering cost centres in tree order."""
        number = first_cost_centre
        for i, root in enumerate(roots):
            # Each root starts a block of its own; an overfull block runs on, never overlaps.
            number = max(number, first_cost_centre + i * block)
            for plan in root.walk():
                plan.unit = OrgUnit(
                    organisation=organisation,
                    name=plan.name,
                    kind=plan.kind,
                    cost_centre=str(number),
                )
                number += 10
        level = [(root, None) for root in roots]
        ordered = []
        while level:
            for plan, parent in level:
                plan.unit.parent = parent.unit if parent else None
            self.ctx.create([plan.unit for plan, _parent in level])
            for plan, parent in level:
                unit = plan.unit
                unit.path = f"{parent.unit.path if parent else '/'}{unit.pk}/"
                unit.depth = unit.path.count("/") - 2
                ordered.append(plan)
            level = [(child, plan) for plan, _parent in level for child in plan.children]
        for plan in ordered:
            if plan.key:
                self.by_key[plan.key] = plan
        return ordered

    # People

    def _email(self, first, last, domain):
        local = f"{names.slug(first)}.{names.slug(last)}"
        n = self.emails.get((local, domain), 0) + 1
        self.emails[(local, domain)] = n
        return f"{local}{n if n > 1 else ''}@{domain}"

    def _phone(self):
        if self.rng.random() < 0.4:
            return ""
        pattern, low, high = FICTIONAL_MOBILE
        return pattern.format(self.rng.randint(low, high))

    def _person(self, plan, title, domain):
        first, last = names.person_name(self.rng)
        return Person(
            first_name=first,
            last_name=last,
            email=self._email(first, last, domain),
            phone=self._phone(),
            title=title,
            unit=plan.unit,
        )

    def people_for(self, plans, domain):
        for plan in plans:
            for i in range(plan.size):
                if plan.family == "politics":
                    title = POLITICAL_TITLES[min(i, 3)]
                elif i == 0:
                    title = plan.head
                else:
                    title = _weighted(self.rng, plan.titles)
                plan.people.append(self._person(plan, title, domain))

    def _staff(self, plan, exclude=()):
        """A non-manager person of `plan` not in `exclude`."""
        candidates = [p for p in plan.people[1:] if p.active and p not in exclude]
        return self.rng.choice(candidates) if candidates else plan.people[-1]

    # The build

    def run(self):
        ctx, p = self.ctx, self.p
        self.organisations()
        municipal_roots = self.municipality_plans()
        self.size(municipal_roots, ctx.scaled(p["employees"], minimum=50))
        plans = self.create_units(ctx.municipality, municipal_roots, 10000, 10000)
        self.people_for(plans, p["domain"])
        all_plans = list(plans)
        for key, company in self.company_keys.items():
            roots = self.company_plan(key, company)
            self.size(roots, ctx.scaled(p["companies"][key], minimum=3))
            company_plans = self.create_units(company, roots, 1000, 1000)
            domain = f"{names.slug(company.short_name).replace('.', '')}.example"
            self.people_for(company_plans, domain)
            all_plans += company_plans

        self.coordinators = self.pick_coordinators(plans)
        logins = self.pick_logins()
        self.plant_inactive(all_plans, logins)
        self.create_logins(logins)
        people = [person for plan in all_plans for person in plan.people]
        ctx.create(people)
        self.finish_units(all_plans, logins)
        self.create_unit_roles()
        self.bodies(plans)
        self.vendors()

        ctx.units = [plan.unit for plan in all_plans]
        ctx.unit_by_key = {key: plan.unit for key, plan in self.by_key.items()}
        ctx.units_by_family = {}
        for plan in all_plans:
            if plan.family:
                ctx.units_by_family.setdefault(plan.family, []).append(plan.unit)
        ctx.administrations = [plan.unit for plan in plans if plan.kind == UnitKind.ADMINISTRATION]
        ctx.people = people
        ctx.people_by_unit = {plan.unit.pk: plan.people for plan in all_plans}
        ctx.it_coordinators = {admin.unit.pk: person for admin, person in self.coordinators}

    def pick_coordinators(self, plans):
        """Each administration's IT coordinator: one of its own staff."""
        chosen = []
        for plan in plans:
            if plan.kind == UnitKind.ADMINISTRATION:
                person = self._staff(plan)
                person.title = "IT-samordnare"
                chosen.append((plan, person))
        return chosen

    def pick_logins(self):
        coordinators = dict(self.coordinators)
        first_school = next(
            plan for plan in self.by_key["school"].walk() if plan.family == "school"
        )
        picks = {
            "admin": (self._staff(self.by_key["system_management"]), "Systemadministratör"),
            "itstaff": (self._staff(self.by_key["servicedesk"]), "Supporttekniker"),
            "controller": (self._staff(self.by_key["budget"]), "Controller"),
            "coordinator": (coordinators[self.by_key["social_admin"]], "IT-samordnare"),
            "employee": (self._staff(first_school), "Lärare"),
        }
        for person, title in picks.values():
            person.title = title
        return {username: person for username, (person, _title) in picks.items()}

    def plant_inactive(self, plans, logins):
        """A few people who have left but are still in the register (inactive)."""
        keep = {id(person) for person in logins.values()}
        keep |= {id(person) for _plan, person in self.coordinators}
        candidates = [
            person
            for plan in plans
            if plan.family != "politics"
            for person in plan.people[1:]
            if id(person) not in keep
        ]
        count = min(len(candidates), self.ctx.scaled(self.p["inactive_people"]))
        for person in self.rng.sample(candidates, count):
            person.active = False

    def create_logins(self, logins):
        ctx = self.ctx
        User = get_user_model()
        groups = {}
        for role in Role:
            groups[role.value], _created = Group.objects.get_or_create(name=role.value)
        role_of = {
            "admin": Role.IT_ADMIN,
            "itstaff": Role.IT_STAFF,
            "controller": Role.CONTROLLER,
            "coordinator": Role.EMPLOYEE,
            "employee": Role.EMPLOYEE,
        }
        descriptions = {
            "admin": _("IT administrator (superuser, Django admin)"),
            "itstaff": _("IT staff"),
            "controller": _("controller"),
            "coordinator": _("employee; IT coordinator for %(unit)s")
            % {"unit": self.by_key["social_admin"].name},
            "employee": _("employee"),
        }
        ctx.users = {}
        for username, person in logins.items():
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    email=person.email,
                    is_staff=username == "admin",
                    is_superuser=username == "admin",
                )
                user.set_password(ctx.password)
                user.save()
                description = descriptions[username]
            else:
                description = _("%(role)s (existing login, password unchanged)") % {
                    "role": descriptions[username]
                }
            user.groups.add(groups[role_of[username]])
            person.user = user
            ctx.users[username] = user
            ctx.logins.append((username, description))

    def finish_units(self, plans, logins):
        """Managers, headcounts and paths; a few units planted without a manager."""
        login_units = {id(person.unit) for person in logins.values()}
        candidates = [
            plan for plan in plans if plan.family in FAMILIES and id(plan.unit) not in login_units
        ]
        count = min(len(candidates), self.ctx.scaled(self.p["units_without_manager"]))
        unmanaged = {id(plan) for plan in self.rng.sample(candidates, count)}
        for plan in plans:
            unit = plan.unit
            unit.headcount = len(plan.people)
            unit.manager = None if id(plan) in unmanaged or not plan.people else plan.people[0]
        self.ctx.update([plan.unit for plan in plans], ["manager", "headcount", "path", "depth"])

    def create_unit_roles(self):
        user = self.ctx.users["coordinator"]
        self.ctx.create(
            [
                UnitRole(
                    user=user,
                    kind=UnitRoleKind.IT_COORDINATOR,
                    unit=self.by_key["social_admin"].unit,
                )
            ]
        )

    # Bodies

    def _date(self):
        start = datetime.date(2021, 1, 1)
        return start + datetime.timedelta(days=self.rng.randrange(5 * 365))

    def bodies(self, plans):
        ctx = self.ctx
        k = self.by_key
        municipality = ctx.municipality
        admins = [plan for plan in plans if plan.kind == UnitKind.ADMINISTRATION]
        company_roots = [k[f"company_{key}"] for key in self.company_keys]
        board_admin = k["board_admin"]
        it_office = k["it_office"]
        secretaries = list(board_admin.people[1:])
        self.rng.shuffle(secretaries)

        def manager(plan):
            return plan.people[0]

        council, executive = k["council"], k["city_board"]
        specs = [
            (
                "council",
                "Kommunfullmäktige",
                BodyKind.COUNCIL,
                "Kommunens högsta beslutande organ.",
                council.people[0],
                council.people[1:3],
                council.people[3:],
                secretaries[0],
                COUNCIL_TERM_START,
            ),
            (
                "executive_board",
                "Kommunstyrelsen",
                BodyKind.EXECUTIVE_BOARD,
                "Leder och samordnar kommunens verksamhet och har uppsikt över nämnder och bolag.",
                executive.people[0],
                executive.people[1:3],
                executive.people[3:],
                secretaries[1 % len(secretaries)],
                POLITICAL_TERM_START,
            ),
            (
                "management_group",
                "Kommundirektörens ledningsgrupp (KDL)",
                BodyKind.MANAGEMENT_GROUP,
                "Förvaltningscheferna och bolagens VD:ar under kommundirektören.",
                manager(k["city_admin"]),
                [],
                [manager(a) for a in admins[1:]]
                + [manager(k["hr_office"]), manager(k["finance_office"]), manager(it_office)]
                + [manager(c) for c in company_roots[:1]],
                self._staff(k["city_admin"]),
                None,
            ),
            (
                "service_council",
                "Tjänsterådet",
                BodyKind.SERVICE_COUNCIL,
                "Förvaltningarnas och bolagens forum för kommungemensamma IT-tjänster.",
                manager(it_office),
                [manager(k["digital"])],
                [person for _plan, person in self.coordinators]
                + [self._staff(c) for c in company_roots[1:]],
                self._staff(k["digital"]),
                None,
            ),
        ]
        product_boards = [
            (
                "Produktråd skolplattform",
                "Prioriterar utvecklingen av skolans lärplattform och elevadministration.",
                "school",
                "education_admin",
            ),
            (
                "Produktråd vård- och omsorgssystem",
                "Prioriterar utvecklingen av verksamhetssystemet för vård och omsorg.",
                "care_home",
                "social_admin",
            ),
            (
                "Produktråd ekonomi- och HR-system",
                "Prioriterar utvecklingen av ekonomi-, lön- och HR-systemen.",
                "finance_office",
                "city_admin",
            ),
        ]
        for i, (name, description, dept_key, admin_key) in enumerate(
            product_boards[: self.p["product_boards"]], start=1
        ):
            dept = k[dept_key]
            heads = [manager(plan) for plan in dept.walk() if plan.people][1:4]
            specs.append(
                (
                    f"product_board_{i}",
                    name,
                    BodyKind.PRODUCT_BOARD,
                    description,
                    manager(dept),
                    [],
                    [
                        dict(self.coordinators)[k[admin_key]],
                        *heads,
                        self._staff(k["system_management"]),
                    ],
                    self._staff(k["system_management"]),
                    self._date(),
                )
            )
        steering_groups = [
            (
                "Styrgrupp Digital arbetsplats",
                "Styr införandet av den nya digitala arbetsplatsen i alla förvaltningar.",
                "city_admin",
            ),
            (
                "Styrgrupp E-arkiv",
                "Styr införandet av ett gemensamt e-arkiv.",
                "chancery",
            ),
            (
                "Styrgrupp Nytt ärendehanteringssystem",
                "Styr upphandling och införande av nytt ärendehanteringssystem.",
                "social_admin",
            ),
        ]
        for i, (name, description, chair_key) in enumerate(
            steering_groups[: self.p["steering_groups"]], start=1
        ):
            members = [manager(it_office), manager(k["finance_office"])]
            members += [manager(a) for a in self.rng.sample(admins, min(3, len(admins)))]
            specs.append(
                (
                    f"steering_group_{i}",
                    name,
                    BodyKind.STEERING_GROUP,
                    description,
                    manager(k[chair_key]),
                    [],
                    members,
                    self._staff(k["digital"]),
                    self._date(),
                )
            )

        bodies, memberships = {}, []
        for key, name, kind, description, chair, vice, members, secretary, start in specs:
            body = Body(name=name, kind=kind, organisation=municipality, description=description)
            bodies[key] = body
            seen = set()
            start = start or self._date()
            for role, people in (
                (MemberRole.CHAIR, [chair]),
                (MemberRole.VICE_CHAIR, vice),
                (MemberRole.MEMBER, members),
                (MemberRole.SECRETARY, [secretary]),
            ):
                for person in people:
                    if id(person) in seen or not person.active:
                        continue
                    seen.add(id(person))
                    memberships.append(
                        BodyMembership(body=body, person=person, role=role, start=start)
                    )
        ctx.create(bodies.values())
        ctx.create(memberships)
        ctx.bodies = bodies

    # Vendors

    def vendors(self):
        ctx, p, rng = self.ctx, self.p, self.rng
        total = ctx.scaled(p["vendors"], minimum=3)
        foreign = min(len(names.VENDOR_FOREIGN), ctx.scaled(p["foreign_vendors"]), total - 1)
        compounds = [
            f"{a} {b}" if b.isupper() else a + b
            for a in names.VENDOR_PREFIXES
            for b in names.VENDOR_SUFFIXES
        ]
        rng.shuffle(compounds)
        vendors = []
        for name in compounds[: total - foreign]:
            vendors.append((f"{name} AB", "SE"))
        vendors += rng.sample(names.VENDOR_FOREIGN, foreign)
        rng.shuffle(vendors)

        rows = []
        for name, country in vendors:
            host = names.slug(name.removesuffix(" AB").split(" Inc.")[0].split(" Ltd")[0]).replace(
                ".", ""
            )
            pattern, low, high = rng.choice(FICTIONAL_OFFICE)
            rows.append(
                Vendor(
                    name=name,
                    org_number=ctx.org_number("556") if country == "SE" else "",
                    country=country,
                    website=f"https://www.{host}.example",
                    email=f"{rng.choice(('info', 'kontakt', 'support'))}@{host}.example",
                    phone=pattern.format(rng.randint(low, high)) if country == "SE" else "",
                    notes=rng.choice(VENDOR_NOTES),
                )
            )
        ctx.create(rows)

        without = min(len(rows), ctx.scaled(p["vendors_without_contacts"]))
        bare = {id(v) for v in rng.sample(rows, without)}
        contacts = []
        for vendor in rows:
            if id(vendor) in bare:
                continue
            host = vendor.email.split("@")[1]
            roles = rng.sample(CONTACT_ROLES, rng.randint(1, 3))
            for role in roles:
                first, last = names.person_name(rng)
                pattern, low, high = rng.choice(FICTIONAL_OFFICE)
                contacts.append(
                    VendorContact(
                        vendor=vendor,
                        name=f"{first} {last}",
                        role=role,
                        email=f"{names.slug(first)}.{names.slug(last)}@{host}",
                        phone=pattern.format(rng.randint(low, high)),
                    )
                )
        ctx.create(contacts)
        ctx.vendors = rows


def build(ctx):
    """The organisation step: organisations, units, people, bodies, vendors and logins."""
    _Builder(ctx).run()
