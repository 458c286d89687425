"""The system register's step of the demo generator.

Builds the group's application portfolio on top of the organisation step: a capability tree
(53 nodes in 10 areas), tags, the systems (a hand-written core of 63 — e-mail, antivirus,
network, directory, Ekonomi 365, Lönesystemet, Diariet, E-arkiv, Omsorgsportalen, Skolwebben,
Bygglovsportalen, Intranätet, IT-portalen, … — and a long tail of smaller systems per
administration, office and company, all with fictional product names), their usage by units
with user counts, roles, integrations, information assets classified with KLASSA, contracts,
licences, documents and links, and eight weeks of compliance snapshots.

Shape of the data:
    * lifecycle mostly operation (about 82 %), the rest planning, acquisition, introduction,
      decommissioning and retired; every system has an owning unit (an administration, an
      office of the city administration, or a company);
    * scope follows the usage (shared when used by several administrations or part of the
      technical platform); about 3 % override it with a reason, as System.clean() demands;
    * roles: owner = the manager of the owning unit or of one of its departments; manager
      (systemförvaltare) = someone in the IT office's system management or the owning unit,
      appointed by the owner; operations_local for systems run in our infrastructure;
      operations_vendor (a vendor contact) for every vendor-managed system; information owner,
      super users, IT consultants; product owner and product manager for self-developed systems
      (IT-portalen and Skolwebben also have a product board when the organisation step made
      one); a few ended roles (earlier managers) as history;
    * integrations: `integrations / systems` per system on average (small 900 / 350, large
      10,000 / 2,000); about 30 % touch the hubs (E-tjänsteplattformen, Ekonomi 365, E-arkiv,
      HR-systemet, Katalogtjänst, Diariet, Lönesystemet), most others stay inside a domain.
      Information flows from master data and the e-service front through the domain systems
      to payroll, records, finance and the archive; answers back along an integration (status
      to the e-services, code strings from finance), a few peer integrations against the flow
      and hand-made loops (FIXED_EDGES) give cycles that stay short, so impact analysis shows
      something useful: with seed 1 the largest strongly connected set holds 14 (small) / 79
      (large) systems, a median system reaches 15 / 100 systems downstream, and the most
      connected one, E-tjänsteplattformen, about 220 / 1,570. Never an integration to
      itself, at most one per ordered pair;
    * information assets: one to three per system, many with personal data (controller =
      the board above the owning administration; companies are their own controllers and have
      no board, so company systems get no personal-data assets);
    * about one contract per vendor system (some framework contracts cover two), licences for
      most of them, group-wide licences for the shared core, and `separate_products` products
      bought separately by three to six units each (the licence coordination view).

Dates are relative to the day of the build (reviews, role and contract dates), so the rules
judge them as intended whenever the demo is built; everything else depends only on profile,
seed and scale.

Planted gaps. Each planted system has exactly one gap and is otherwise clean, and no other
system breaks a rule, so the rules should find exactly these (numbers at scale 1; a scaled
profile plants `round(n * scale)`, at least one of each):

    ========================================================== =========== ===== =====
    gap (kind on ctx.registry_gaps)                            rule        small large
    ========================================================== =========== ===== =====
    in operation without an owner role (no_owner)              owner/mgr       4    15
    in operation without a manager role (no_manager)           owner/mgr       5    20
    an open role (super user) held by a person who has left
      (inactive_holder)                                        holders         5    25
    vendor-managed without operations_vendor role
      (vendor_operations; half with a vendor without contacts) vendor ops      4    15
    last reviewed 13–30 months ago (stale_review)              review         12    60
    personal-data asset without controller board
      (personal_data_no_controller)                            personal        3    12
    personal-data asset without processing record
      (personal_data_no_record)                                personal        4    18
    SaaS hosted in the US (saas_outside_eea)                   SaaS            3    10
    retired with an active integration (retired_integration)   retired         2     6
    retired with an open role (retired_role)                   retired         2     6
    retired with a valid licence (retired_licence)             retired         2     6
    in_operation_since after planned_retirement
      (lifecycle_dates)                                        dates           3    10
    ========================================================== =========== ===== =====

Two of these states are refused by the forms: System.clean() rejects a planned retirement
before the start of operation, and SystemRole.clean() rejects an open role held by a person who
has left. They are planted on purpose through bulk_create (which skips clean()), as an import
or an old spreadsheet would leave them. The remaining states pass clean().

Compliance snapshots: for each of the last eight weeks (today and seven weekly dates back), in
the shape compliance.write_snapshot writes them: one group row per rule (administration empty,
zeros too) and one row per rule and administration (`administration_key` of the owning unit)
with findings, falling towards today's planted counts. The rule codes (RULES) are those of
registry/rules.py. The snapshot rows are derived statistics and get no audit rows; everything
else is audited through ctx.create like the organisation step.

Left on `ctx` for later steps:
    systems               every System, core first
    system_by_name        {name: System}
    hubs                  {hub key: System}: "eservice", "finance", "archive", "hr",
                          "directory", "registry", "payroll"
    capabilities          {key: Capability}
    registry_gaps         {gap kind: [System, …]} as in the table above
"""

import datetime
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from itportal.demo import names
from itportal.organisation.choices import UnitKind
from itportal.organisation.models import VendorContact
from itportal.registry.choices import (
    Frequency,
    IntegrationStatus,
    LicenceMetric,
    Lifecycle,
    OperatingForm,
    Scope,
    Technology,
)
from itportal.registry.models import (
    Capability,
    ComplianceSnapshot,
    Contract,
    InformationAsset,
    Integration,
    Licence,
    RoleType,
    System,
    SystemLink,
    SystemRole,
    SystemUsage,
    Tag,
    administration_key,
)

# --- Gaps and rules -----------------------------------------------------------------------

# Gap kind → the rule code its finding is counted under in the compliance snapshots.
RULES = {
    "no_owner": "owner_and_manager",
    "no_manager": "owner_and_manager",
    "inactive_holder": "active_role_holders",
    "vendor_operations": "vendor_operations",
    "stale_review": "review_overdue",
    "personal_data_no_controller": "personal_data",
    "personal_data_no_record": "personal_data",
    "saas_outside_eea": "saas_outside_eea",
    "retired_integration": "retired_leftovers",
    "retired_role": "retired_leftovers",
    "retired_licence": "retired_leftovers",
    "lifecycle_dates": "lifecycle_dates",
}
GAP_KINDS = tuple(RULES)
SNAPSHOT_WEEKS = 8
RETIRED_GAPS = ("retired_integration", "retired_role", "retired_licence")

# --- Capabilities -------------------------------------------------------------------------

# key: (name, parent key or "")
CAPABILITIES = {
    "finance_top": ("Ekonomi", ""),
    "accounting": ("Redovisning", "finance_top"),
    "budget": ("Budget, prognos och uppföljning", "finance_top"),
    "procurement": ("Inköp och avtal", "finance_top"),
    "invoicing": ("Fakturering och avgifter", "finance_top"),
    "hr_top": ("Personal", ""),
    "hr_admin": ("Personaladministration", "hr_top"),
    "payroll": ("Lön och ersättningar", "hr_top"),
    "recruitment": ("Rekrytering och kompetensförsörjning", "hr_top"),
    "scheduling": ("Schemaläggning och bemanning", "hr_top"),
    "records_top": ("Ärende- och dokumenthantering", ""),
    "registration": ("Diarieföring och ärendehantering", "records_top"),
    "archiving": ("Arkivering och bevarande", "records_top"),
    "board_admin": ("Nämnd- och sammanträdesadministration", "records_top"),
    "education_top": ("Utbildning", ""),
    "learning": ("Undervisning och lärplattform", "education_top"),
    "pupil_admin": ("Elevadministration", "education_top"),
    "pupil_health": ("Elevhälsa", "education_top"),
    "preschool": ("Förskola och placering", "education_top"),
    "transport": ("Skolskjuts och resor", "education_top"),
    "care_top": ("Vård, omsorg och socialtjänst", ""),
    "care_docs": ("Social dokumentation och journalföring", "care_top"),
    "home_care": ("Planering och uppföljning av insatser", "care_top"),
    "alarms": ("Trygghetslarm och välfärdsteknik", "care_top"),
    "medication": ("Läkemedelshantering", "care_top"),
    "ifo": ("Myndighetsutövning", "care_top"),
    "benefits": ("Ekonomiskt bistånd och arbetsmarknad", "care_top"),
    "society_top": ("Samhällsbyggnad och miljö", ""),
    "building_permits": ("Bygglov", "society_top"),
    "gis": ("Geografisk information", "society_top"),
    "property": ("Fastighetsförvaltning", "society_top"),
    "water": ("Vatten och avlopp", "society_top"),
    "inspection": ("Miljö- och hälsotillsyn", "society_top"),
    "meals": ("Måltidsverksamhet", "society_top"),
    "culture_top": ("Kultur och fritid", ""),
    "library": ("Bibliotek", "culture_top"),
    "booking": ("Bokning av lokaler och resurser", "culture_top"),
    "culture_school": ("Kulturskola", "culture_top"),
    "service_top": ("Kommunikation och medborgarservice", ""),
    "eservice": ("E-tjänster", "service_top"),
    "web": ("Webb och intranät", "service_top"),
    "contact": ("Kontaktcenter och kundtjänst", "service_top"),
    "collab": ("E-post och samarbete", "service_top"),
    "it_top": ("IT-plattform och informationssäkerhet", ""),
    "identity": ("Identitet, behörighet och e-legitimation", "it_top"),
    "network": ("Nätverk och kommunikation", "it_top"),
    "infra": ("Server, klient och drift", "it_top"),
    "security": ("Informationssäkerhet", "it_top"),
    "integration": ("Integration", "it_top"),
    "it_service": ("IT-stöd och förvaltning", "it_top"),
    "company_top": ("Bolagens kärnverksamhet", ""),
    "plant_ops": ("Anläggningsdrift och övervakning", "company_top"),
    "customer_billing": ("Kundservice och debitering", "company_top"),
}

TAGS = (
    "Kritisk verksamhet",
    "Molntjänst",
    "Egenutvecklat",
    "Kommungemensamt",
    "Teknisk plattform",
    "Känsliga personuppgifter",
    "Under avveckling",
    "Upphandlas",
    "Mobil app",
    "E-tjänst",
    "Bolag",
    "Hub",
)

# --- Information assets -------------------------------------------------------------------

# key: (name, K, R, T, S, personal data, sensitive categories)
ASSETS = {
    "employees": ("Personaluppgifter", 3, 3, 2, 3, True, ""),
    "employee_health": ("Rehabiliteringsärenden", 4, 3, 2, 3, True, "hälsa"),
    "salary": ("Löneuppgifter", 3, 4, 3, 3, True, "fackföreningsmedlemskap"),
    "applicants": ("Ansökningar och CV", 2, 2, 1, 2, True, ""),
    "accounts": ("Användarkonton och behörigheter", 2, 4, 4, 4, True, ""),
    "email": ("E-post och kalender", 3, 2, 3, 2, True, ""),
    "documents": ("Arbetsdokument", 2, 2, 2, 1, True, ""),
    "ledger": ("Redovisning och verifikationer", 2, 4, 3, 4, False, ""),
    "invoices": ("Leverantörsfakturor", 2, 3, 2, 3, True, ""),
    "contracts": ("Avtal och avtalsuppföljning", 1, 2, 1, 2, False, ""),
    "cases": ("Ärenden och handlingar", 3, 3, 2, 3, True, ""),
    "archive": ("Arkiverade handlingar", 3, 4, 2, 4, True, "hälsa"),
    "meetings": ("Protokoll och kallelser", 1, 3, 2, 3, False, ""),
    "pupils": ("Elevuppgifter", 3, 3, 2, 2, True, ""),
    "grades": ("Betyg och omdömen", 2, 4, 2, 3, True, ""),
    "pupil_health": ("Elevhälsojournaler", 4, 4, 2, 4, True, "hälsa"),
    "care_records": ("Social dokumentation", 4, 4, 3, 4, True, "hälsa"),
    "health_records": ("Patientjournaler (HSL)", 4, 4, 4, 4, True, "hälsa"),
    "care_plans": ("Genomförandeplaner och insatser", 3, 3, 3, 3, True, "hälsa"),
    "benefits": ("Utbetalningar av ekonomiskt bistånd", 3, 4, 2, 3, True, ""),
    "participants": ("Deltagaruppgifter", 3, 2, 2, 2, True, ""),
    "guardians": ("Ställföreträdarärenden", 3, 3, 2, 3, True, "hälsa"),
    "alarms": ("Larm och larmloggar", 3, 3, 4, 3, True, "hälsa"),
    "meals": ("Måltidsplanering och specialkost", 2, 2, 2, 1, True, "hälsa"),
    "schedules": ("Scheman och bemanning", 2, 3, 3, 2, True, ""),
    "transport": ("Resor och skolskjutsar", 2, 2, 2, 1, True, ""),
    "fees": ("Avgiftsunderlag", 2, 3, 2, 3, True, ""),
    "customers": ("Kunduppgifter", 2, 2, 2, 2, True, ""),
    "bookings": ("Bokningar", 1, 2, 2, 1, True, ""),
    "loans": ("Låntagare och lån", 2, 2, 2, 1, True, ""),
    "permits": ("Bygglovsärenden", 2, 3, 2, 3, True, ""),
    "inspections": ("Tillsynsärenden", 2, 3, 2, 3, True, ""),
    "maps": ("Kart- och geodata", 1, 3, 2, 1, False, ""),
    "property": ("Fastighets- och lokaldata", 1, 2, 2, 1, False, ""),
    "metering": ("Mätvärden", 1, 3, 3, 2, False, ""),
    "tenants": ("Hyresgäster och kontrakt", 2, 3, 2, 2, True, ""),
    "statistics": ("Statistik och nyckeltal", 1, 2, 1, 1, False, ""),
    "web": ("Webbinnehåll", 0, 2, 3, 1, False, ""),
    "logs": ("Loggar och händelser", 2, 3, 2, 4, True, ""),
    "network": ("Nätverkskonfiguration", 3, 3, 4, 2, False, ""),
    "operations": ("Driftdata och konfiguration", 1, 2, 3, 2, False, ""),
}
RETENTION = (
    "Bevaras enligt dokumenthanteringsplanen.",
    "Gallras två år efter att ärendet avslutats.",
    "Gallras efter fem år; räkenskapsinformation sju år.",
    "Levereras till e-arkivet vid ärendets avslut.",
    "Gallras vid inaktualitet.",
    "Bevaras; levereras årligen till e-arkivet.",
)

# --- The core systems ---------------------------------------------------------------------


@dataclass(frozen=True)
class Core:
    name: str
    owner: str  # a unit key, or "@Unit name" for units the organisation step does not key
    form: str
    caps: tuple
    assets: tuple
    usage: object = "owner"  # "all", "municipal", "owner", ("admins", keys), ("family", keys)
    vendor: str = "se"  # "se", "foreign", "" (none)
    hub: str = ""
    platform: bool = False
    self_dev: bool = False
    board: str = ""  # product board key for self-developed systems
    aliases: str = ""
    description: str = ""
    tags: tuple = ()


IH, VM, SAAS = OperatingForm.IN_HOUSE, OperatingForm.VENDOR_MANAGED, OperatingForm.SAAS
COMMUNICATION = "@Kommunikationskontoret"
CONTACT_CENTRE = "@Kontaktcenter"

CORE = (
    # The technical platform and the IT office's own systems.
    Core(
        "E-post och kalender",
        "it_office",
        SAAS,
        ("collab",),
        ("email",),
        "all",
        "foreign",
        platform=True,
        aliases="Mejlen",
        description="Koncernens e-post och kalendrar.",
    ),
    Core(
        "Antivirus och endpointskydd",
        "it_office",
        IH,
        ("security",),
        ("logs",),
        "all",
        platform=True,
        description="Skydd mot skadlig kod på klienter och servrar.",
    ),
    Core(
        "Nätverk (LAN och WLAN)",
        "it_office",
        IH,
        ("network",),
        ("network",),
        "all",
        platform=True,
        description="Kommunens lokala och trådlösa nätverk.",
    ),
    Core(
        "Katalogtjänst",
        "it_office",
        IH,
        ("identity",),
        ("accounts",),
        "all",
        "foreign",
        hub="directory",
        platform=True,
        aliases="AD, Identitetstjänsten",
        description="Användarkonton, grupper och inloggning för hela koncernen.",
    ),
    Core(
        "Servrar och virtualisering",
        "it_office",
        IH,
        ("infra",),
        ("operations",),
        "municipal",
        platform=True,
        description="Serverplattformen i kommunens datacenter.",
    ),
    Core(
        "Klientplattform",
        "it_office",
        IH,
        ("infra",),
        ("operations",),
        "all",
        "foreign",
        platform=True,
        aliases="Operativsystem klienter",
        description="Operativsystem och standardprogram på datorer.",
    ),
    Core(
        "Säkerhetskopiering",
        "it_office",
        VM,
        ("infra",),
        ("operations",),
        "municipal",
        platform=True,
        description="Säkerhetskopiering av servrar och databaser.",
    ),
    Core(
        "Brandvägg och fjärråtkomst",
        "it_office",
        IH,
        ("network", "security"),
        ("network",),
        "all",
        platform=True,
        description="Perimeterskydd och VPN.",
    ),
    Core(
        "Utskriftstjänsten",
        "it_office",
        VM,
        ("infra",),
        ("operations",),
        "municipal",
        platform=True,
        description="Skrivare och utskriftsköer.",
    ),
    Core(
        "Mobilhantering (MDM)",
        "it_office",
        SAAS,
        ("infra", "security"),
        ("operations",),
        "municipal",
        platform=True,
        description="Hantering av mobiler och surfplattor.",
    ),
    Core(
        "IT-portalen",
        "it_office",
        IH,
        ("it_service",),
        ("employees",),
        "municipal",
        "",
        self_dev=True,
        board="product_board_3",
        tags=("Egenutvecklat",),
        description="Kommunens egenutvecklade register över organisation och system.",
    ),
    Core(
        "IT-ärendeportalen",
        "it_office",
        SAAS,
        ("it_service",),
        ("cases",),
        "municipal",
        aliases="Servicedesk",
        description="Ärendehantering för IT-supporten.",
    ),
    Core(
        "Integrationsplattformen",
        "it_office",
        IH,
        ("integration",),
        ("operations",),
        "municipal",
        "foreign",
        description="Meddelandeförmedling mellan systemen.",
    ),
    Core(
        "Loggvakten",
        "it_office",
        VM,
        ("security",),
        ("logs",),
        "municipal",
        description="Logginsamling och säkerhetsövervakning.",
    ),
    Core(
        "Växeln",
        CONTACT_CENTRE,
        SAAS,
        ("contact",),
        ("logs",),
        "all",
        aliases="Telefoni",
        description="Telefoni, växel och samtalsköer.",
    ),
    Core(
        "Samarbetsrummet",
        "it_office",
        SAAS,
        ("collab",),
        ("documents",),
        "all",
        "foreign",
        description="Samarbetsytor, chatt och videomöten.",
    ),
    # Communication and e-services.
    Core(
        "Intranätet",
        COMMUNICATION,
        IH,
        ("web",),
        ("web",),
        "all",
        description="Koncernens intranät.",
    ),
    Core(
        "Webbplatsen",
        COMMUNICATION,
        SAAS,
        ("web",),
        ("web",),
        "municipal",
        description="Kommunens externa webbplats.",
    ),
    Core(
        "E-tjänsteplattformen",
        COMMUNICATION,
        VM,
        ("eservice",),
        ("cases", "customers"),
        "municipal",
        hub="eservice",
        aliases="Mina sidor",
        tags=("E-tjänst",),
        description="E-tjänster och Mina sidor för invånare och företag.",
    ),
    Core(
        "Kundtjänstsystemet",
        CONTACT_CENTRE,
        SAAS,
        ("contact",),
        ("customers",),
        "municipal",
        description="Ärenden och kunskapsbank i kontaktcenter.",
    ),
    Core(
        "E-underskrift",
        "it_office",
        SAAS,
        ("identity",),
        ("logs",),
        "municipal",
        description="Elektronisk underskrift med e-legitimation.",
    ),
    # Finance.
    Core(
        "Ekonomi 365",
        "finance_office",
        VM,
        ("accounting", "budget"),
        ("ledger", "invoices"),
        "all",
        hub="finance",
        aliases="Ekonomisystemet",
        tags=("Kritisk verksamhet",),
        description="Huvudbok, reskontror och budget för hela koncernen.",
    ),
    Core(
        "Inköpsportalen",
        "finance_office",
        SAAS,
        ("procurement",),
        ("invoices",),
        "all",
        aliases="E-handel",
        description="E-handel och fakturahantering.",
    ),
    Core(
        "Analysrummet",
        "finance_office",
        IH,
        ("budget",),
        ("statistics",),
        "municipal",
        description="Beslutsstöd och analys.",
    ),
    Core(
        "Avtalsdatabasen",
        "finance_office",
        SAAS,
        ("procurement",),
        ("contracts",),
        "municipal",
        description="Koncernens avtal och avtalsuppföljning.",
    ),
    Core(
        "Kundfakturering",
        "finance_office",
        IH,
        ("invoicing",),
        ("customers", "fees"),
        "municipal",
        description="Kundreskontra och fakturering av avgifter.",
    ),
    # HR.
    Core(
        "HR-systemet",
        "hr_office",
        VM,
        ("hr_admin",),
        ("employees",),
        "all",
        hub="hr",
        aliases="Personalsystemet",
        tags=("Kritisk verksamhet",),
        description="Anställningar, organisation och chefsstruktur.",
    ),
    Core(
        "Lönesystemet",
        "hr_office",
        VM,
        ("payroll",),
        ("salary",),
        "all",
        hub="payroll",
        tags=("Kritisk verksamhet",),
        description="Löner, arvoden och pensioner.",
    ),
    Core(
        "Rekryteringsportalen",
        "hr_office",
        SAAS,
        ("recruitment",),
        ("applicants",),
        "all",
        description="Annonsering och urval.",
    ),
    Core(
        "Bemanningsplaneraren",
        "hr_office",
        SAAS,
        ("scheduling",),
        ("schedules",),
        ("admins", ("social_admin", "education_admin", "technical_admin")),
        description="Schemaläggning och bemanning i verksamheterna.",
    ),
    Core(
        "Kompetensportalen",
        "hr_office",
        SAAS,
        ("recruitment",),
        ("employees",),
        "municipal",
        description="Utbildningar och kompetensinventering.",
    ),
    Core(
        "Rehabstöd",
        "hr_office",
        SAAS,
        ("hr_admin",),
        ("employee_health",),
        "municipal",
        description="Stöd för rehabilitering och företagshälsovård.",
    ),
    # Records management.
    Core(
        "Diariet",
        "chancery",
        VM,
        ("registration",),
        ("cases",),
        "municipal",
        hub="registry",
        aliases="Ärende- och dokumenthanteringssystemet",
        description="Diarieföring, ärenden och handlingar.",
    ),
    Core(
        "E-arkiv",
        "chancery",
        IH,
        ("archiving",),
        ("archive",),
        "all",
        hub="archive",
        description="Koncernens gemensamma e-arkiv för bevarande.",
    ),
    Core(
        "Mötesportalen",
        "chancery",
        SAAS,
        ("board_admin",),
        ("meetings",),
        "municipal",
        description="Kallelser, protokoll och politikernas läsplattor.",
    ),
    # Education.
    Core(
        "Skolwebben",
        "education_admin",
        IH,
        ("learning",),
        ("pupils", "grades"),
        ("family", ("school", "upper_secondary")),
        "",
        self_dev=True,
        board="product_board_1",
        tags=("Egenutvecklat",),
        description="Egenutvecklad lärplattform för skolorna.",
    ),
    Core(
        "Elevregistret",
        "education_admin",
        VM,
        ("pupil_admin",),
        ("pupils",),
        ("family", ("school", "upper_secondary")),
        aliases="Elevadministrationen",
        description="Elevadministration, närvaro och betyg.",
    ),
    Core(
        "Förskoleplattformen",
        "education_admin",
        SAAS,
        ("learning", "preschool"),
        ("pupils",),
        ("family", ("preschool",)),
        description="Dokumentation och vårdnadshavarkontakt i förskolan.",
    ),
    Core(
        "Skolschema Pro",
        "education_admin",
        SAAS,
        ("pupil_admin",),
        ("schedules",),
        ("family", ("school", "upper_secondary")),
        description="Schemaläggning i skolan.",
    ),
    Core(
        "Elevhälsojournalen",
        "education_admin",
        VM,
        ("pupil_health",),
        ("pupil_health",),
        tags=("Känsliga personuppgifter",),
        description="Journalföring i elevhälsan.",
    ),
    Core(
        "Skolskjutsplaneraren",
        "education_admin",
        SAAS,
        ("transport",),
        ("transport",),
        description="Planering av skolskjutsar.",
    ),
    Core(
        "Kö och placering",
        "education_admin",
        VM,
        ("preschool", "invoicing"),
        ("pupils", "fees"),
        description="Kö, placering och avgifter i förskola och fritidshem.",
    ),
    Core(
        "Gymnasieantagningen",
        "education_admin",
        SAAS,
        ("pupil_admin",),
        ("pupils",),
        description="Ansökan och antagning till gymnasieskolan.",
    ),
    # Social services.
    Core(
        "Omsorgsportalen",
        "social_admin",
        VM,
        ("care_docs", "ifo"),
        ("care_records", "care_plans"),
        aliases="Verksamhetssystemet för vård och omsorg",
        tags=("Kritisk verksamhet", "Känsliga personuppgifter"),
        description="Handläggning och dokumentation i socialtjänsten.",
    ),
    Core(
        "Vårdjournalen",
        "social_admin",
        VM,
        ("care_docs",),
        ("health_records",),
        tags=("Känsliga personuppgifter",),
        description="Journalföring enligt HSL.",
    ),
    Core(
        "Omsorgsplan Mobil",
        "social_admin",
        SAAS,
        ("home_care",),
        ("care_plans", "schedules"),
        ("family", ("home_care", "care_home")),
        tags=("Mobil app",),
        description="Planering och registrering av insatser i hemtjänsten.",
    ),
    Core(
        "Trygghetslarmet",
        "social_admin",
        SAAS,
        ("alarms",),
        ("alarms",),
        description="Larmmottagning för trygghetslarm.",
    ),
    Core(
        "Biståndsportalen",
        "social_admin",
        SAAS,
        ("benefits", "eservice"),
        ("benefits",),
        tags=("E-tjänst",),
        description="Ansökan om och utbetalning av ekonomiskt bistånd.",
    ),
    Core(
        "Läkemedelssignering",
        "social_admin",
        SAAS,
        ("medication",),
        ("health_records",),
        ("family", ("care_home", "group_home")),
        description="Digital signering av läkemedel.",
    ),
    Core(
        "Nyckelfri hemtjänst",
        "social_admin",
        SAAS,
        ("alarms", "home_care"),
        ("logs",),
        ("family", ("home_care",)),
        description="Digitala lås för hemtjänsten.",
    ),
    # Technical services.
    Core(
        "Fastighet 360",
        "technical_admin",
        SAAS,
        ("property",),
        ("property",),
        description="Fastighetsförvaltning och underhåll.",
    ),
    Core(
        "Felanmälan Direkt",
        "technical_admin",
        SAAS,
        ("property", "eservice"),
        ("customers",),
        "municipal",
        description="Felanmälan från invånare och verksamheter.",
    ),
    Core(
        "Kostplan",
        "technical_admin",
        SAAS,
        ("meals",),
        ("meals",),
        ("family", ("kitchen",)),
        description="Menyplanering, recept och specialkost.",
    ),
    Core(
        "VA-debitering",
        "technical_admin",
        VM,
        ("water", "invoicing"),
        ("customers", "fees"),
        description="Abonnenter och debitering av vatten och avlopp.",
    ),
    Core(
        "Fordonsbokningen",
        "technical_admin",
        SAAS,
        ("booking",),
        ("bookings",),
        "municipal",
        description="Bokning av kommunens fordon.",
    ),
    # Planning and building.
    Core(
        "Bygglovsportalen",
        "planning_admin",
        VM,
        ("building_permits",),
        ("permits",),
        tags=("E-tjänst",),
        description="Handläggning av bygglov med e-tjänst.",
    ),
    Core(
        "Kartportalen",
        "planning_admin",
        IH,
        ("gis",),
        ("maps",),
        "municipal",
        aliases="GIS-plattformen",
        description="Kommunens kartor och geodata.",
    ),
    Core(
        "Lokalt fastighetsregister",
        "planning_admin",
        VM,
        ("gis",),
        ("maps", "customers"),
        description="Fastigheter, adresser och lägenheter.",
    ),
    # Environment, culture, guardianship.
    Core(
        "Tillsynsportalen",
        "environment_admin",
        VM,
        ("inspection",),
        ("inspections",),
        description="Miljö- och hälsoskyddstillsyn och livsmedelskontroll.",
    ),
    Core(
        "Bibliotek Online",
        "culture_admin",
        SAAS,
        ("library",),
        ("loans",),
        ("family", ("library",)),
        description="Bibliotekens katalog och utlån.",
    ),
    Core(
        "Boka Anläggning",
        "culture_admin",
        SAAS,
        ("booking",),
        ("bookings",),
        "municipal",
        description="Bokning av idrottshallar och lokaler.",
    ),
    Core(
        "Kulturskolan Admin",
        "culture_admin",
        SAAS,
        ("culture_school",),
        ("pupils", "fees"),
        description="Kulturskolans elever, kurser och avgifter.",
    ),
    Core(
        "Ställföreträdarregistret",
        "guardianship_admin",
        SAAS,
        ("ifo",),
        ("guardians",),
        description="Godmanskap, förvaltarskap och årsräkningar.",
    ),
)

# Hubs: (share of the hub integrations, rank, information out of the hub, information into the
# hub, chance that an integration instead answers an earlier one the other way). Information
# flows from lower to higher rank: master data (directory, HR) and the e-service front at the
# top, the domain systems in between (random ranks), payroll, records, finance and the archive
# at the bottom. Answers (status back to the e-services, code strings from finance, …) make
# two-system cycles without tying the whole portfolio into one knot.
HUBS = {
    "eservice": (
        0.22,
        0.05,
        ("Ansökningar", "Anmälningar", "Bokningar från e-tjänst"),
        ("Ärendestatus", "Beslut", "Meddelanden till invånare"),
        0.08,
    ),
    "finance": (
        0.22,
        0.97,
        ("Kodsträngar och kontoplan", "Budgetramar"),
        ("Fakturaunderlag", "Kostnader och intäkter", "Avgiftsunderlag", "Betalningar"),
        0.1,
    ),
    "archive": (
        0.18,
        1.0,
        ("Återsökta handlingar",),
        ("Arkivpaket", "Handlingar för bevarande", "Avslutade ärenden"),
        0.01,
    ),
    "hr": (0.12, 0.01, ("Anställningsuppgifter", "Organisation och chefer"), ("Frånvaro",), 0.04),
    "directory": (
        0.12,
        0.0,
        ("Användarkonton", "Behörighetsgrupper", "Inloggning (SSO)"),
        ("Behörighetsbeställningar",),
        0.02,
    ),
    "registry": (
        0.08,
        0.95,
        ("Handlingar för registrering", "Inkomna handlingar"),
        ("Diarienummer",),
        0.1,
    ),
    "payroll": (
        0.06,
        0.94,
        ("Lönegrundande tid", "Frånvaro och ersättningar", "Arvoden"),
        ("Lönekostnader",),
        0.03,
    ),
}
# An answer back only goes to (or comes from) a system this close in rank to the hub: a cycle
# holds the systems between its two ends, so it stays small.
ANSWER_REACH = 0.15
# Peer integrations against the usual direction, between systems this close in rank.
REVERSED_PEERS = 0.05
PEER_REACH = 0.1
# Ranks of the core systems in the fixed cycles below (other systems: random, 0.1–0.9).
CORE_RANKS = {
    "Omsorgsportalen": 0.15,
    "Vårdjournalen": 0.2,
    "Omsorgsplan Mobil": 0.25,
    "Elevregistret": 0.15,
    "Skolschema Pro": 0.18,
    "Skolwebben": 0.2,
    "Lokalt fastighetsregister": 0.12,
    "Kartportalen": 0.15,
    "Bygglovsportalen": 0.2,
}
FIXED_EDGES = (
    ("HR-systemet", "Lönesystemet", "Anställningsuppgifter"),
    ("Lönesystemet", "Ekonomi 365", "Lönekostnader"),
    ("Ekonomi 365", "Lönesystemet", "Kodsträngar"),
    ("HR-systemet", "Katalogtjänst", "Anställningar och avslut"),
    ("Katalogtjänst", "HR-systemet", "Inloggning (SSO)"),
    ("E-tjänsteplattformen", "Diariet", "Inkomna handlingar"),
    ("Diariet", "E-arkiv", "Arkivpaket"),
    ("Ekonomi 365", "E-arkiv", "Räkenskapsinformation"),
    ("Lönesystemet", "E-arkiv", "Lönespecifikationer"),
    ("E-tjänsteplattformen", "Omsorgsportalen", "Ansökningar om bistånd"),
    ("Omsorgsportalen", "E-tjänsteplattformen", "Beslut"),
    ("Omsorgsportalen", "Omsorgsplan Mobil", "Beviljade insatser"),
    ("Omsorgsplan Mobil", "Omsorgsportalen", "Utförd tid"),
    ("Omsorgsportalen", "Vårdjournalen", "Personuppgifter"),
    ("Vårdjournalen", "Omsorgsportalen", "Vårdplaner"),
    ("Elevregistret", "Skolwebben", "Elever och grupper"),
    ("Skolwebben", "Elevregistret", "Betyg och närvaro"),
    ("Elevregistret", "Skolschema Pro", "Elever och grupper"),
    ("Skolschema Pro", "Skolwebben", "Scheman"),
    ("Bygglovsportalen", "Kartportalen", "Fastighetsbeteckningar"),
    ("Kartportalen", "Bygglovsportalen", "Kartunderlag"),
    ("Lokalt fastighetsregister", "Kartportalen", "Adresser"),
)
PEER_INFO = (
    "Personuppgifter",
    "Ärendestatus",
    "Beslut",
    "Statistik",
    "Scheman",
    "Närvaro",
    "Kartdata",
    "Bokningar",
    "Dokument",
    "Grunddata",
    "Avvikelser",
    "Mätvärden",
    "Adresser",
    "Organisationsdata",
    "Avgifter",
)

# --- The long tail ------------------------------------------------------------------------


@dataclass(frozen=True)
class Domain:
    owners: tuple  # unit keys, first found wins
    weight: float
    stems: tuple
    caps: tuple
    assets: tuple
    purpose: str


DOMAINS = {
    "education": Domain(
        ("education_admin",),
        22,
        (
            "Närvarohantering",
            "Provverktyg",
            "Läromedelsportal",
            "Skolval",
            "Modersmål",
            "Studie- och yrkesvägledning",
            "Fritidshemsavgifter",
            "Språkutveckling",
            "Lärportfölj",
            "Elevenkäter",
            "Skolbibliotek",
            "Betygsanalys",
            "Digitala prov",
            "Matematikträning",
            "Läsinlärning",
            "Specialpedagogiskt stöd",
            "Inskolning",
            "Utvecklingssamtal",
            "Elevkort",
            "Frånvarouppföljning",
            "Klassrumsbokning",
        ),
        ("learning", "pupil_admin", "pupil_health", "preschool", "transport"),
        ("pupils", "grades", "schedules", "statistics"),
        "Stöd för undervisning och elevadministration.",
    ),
    "social": Domain(
        ("social_admin",),
        20,
        (
            "Biståndshandläggning",
            "Genomförandeplaner",
            "Avvikelsehantering",
            "Boendeplanering",
            "Dagverksamhet",
            "Färdtjänst",
            "Hjälpmedel",
            "Insatsuppföljning",
            "Kvalitetsregister",
            "LSS-administration",
            "Familjerätt",
            "Missbruksvård",
            "Kontaktpersoner",
            "Placeringsuppföljning",
            "Anhörigstöd",
            "Matdistribution",
            "Nattpatrull",
            "Tolkbeställning",
            "Vårdplanering",
            "Fallprevention",
        ),
        ("care_docs", "home_care", "ifo", "benefits", "medication", "alarms"),
        ("care_records", "care_plans", "schedules", "alarms"),
        "Stöd för handläggning, dokumentation och utförande i socialtjänsten.",
    ),
    "technical": Domain(
        ("technical_admin",),
        12,
        (
            "Gatuunderhåll",
            "Vinterväghållning",
            "Parkförvaltning",
            "Trädregister",
            "Lokalvårdsplanering",
            "Energiuppföljning",
            "Passagekontroll",
            "Nyckelhantering",
            "Fordonsflotta",
            "Driftövervakning VA",
            "Ledningsdokumentation",
            "Avfallsplanering",
            "Belysningsregister",
            "Lekplatsbesiktning",
            "Underhållsplanering",
        ),
        ("property", "water", "booking", "meals"),
        ("property", "customers", "metering", "operations"),
        "Stöd för drift och underhåll av kommunens anläggningar.",
    ),
    "planning": Domain(
        ("planning_admin",),
        8,
        (
            "Detaljplanering",
            "Adressregister",
            "Mätningsdata",
            "Exploateringskalkyl",
            "Markupplåtelse",
            "Geodatakatalog",
            "Stadsmodell 3D",
            "Nybyggnadskarta",
            "Planarkiv",
            "Byggsamråd",
        ),
        ("gis", "building_permits"),
        ("maps", "permits", "customers"),
        "Stöd för planering, bygglov och geodata.",
    ),
    "culture": Domain(
        ("culture_admin",),
        5,
        (
            "Föreningsregister",
            "Föreningsbidrag",
            "Evenemangskalender",
            "Konstregister",
            "Simskola",
            "Fritidsgårdar",
            "Lovaktiviteter",
            "Instrumentutlåning",
            "Idrottsbokning",
        ),
        ("library", "booking", "culture_school"),
        ("bookings", "loans", "customers"),
        "Stöd för kultur- och fritidsverksamheten.",
    ),
    "environment": Domain(
        ("environment_admin",),
        4,
        (
            "Livsmedelskontroll",
            "Provtagning",
            "Avloppstillsyn",
            "Klagomålshantering",
            "Radonmätning",
            "Naturvårdsregister",
            "Miljörapporter",
        ),
        ("inspection",),
        ("inspections", "statistics"),
        "Stöd för tillsyn och miljöövervakning.",
    ),
    "guardianship": Domain(
        ("guardianship_admin",),
        1,
        ("Årsräkningar", "Ställföreträdarutbildning", "Arvodesberäkning"),
        ("ifo",),
        ("guardians",),
        "Stöd för överförmyndarens tillsyn.",
    ),
    "labour_market": Domain(
        ("labour_market_admin", "social_admin"),
        3,
        (
            "Deltagaruppföljning",
            "Arbetsmarknadsinsatser",
            "Praktikplatser",
            "Etableringsstöd",
            "Feriejobb",
        ),
        ("benefits",),
        ("participants", "benefits"),
        "Stöd för arbetsmarknadsinsatser.",
    ),
    "service": Domain(
        ("service_admin", "technical_admin"),
        2,
        ("Inköpsstöd", "Fordonsverkstad", "Lagerhantering", "Postgång", "Budtjänst"),
        ("procurement", "booking"),
        ("operations", "invoices"),
        "Stöd för intern service.",
    ),
    "hr": Domain(
        ("hr_office",),
        4,
        (
            "Arbetsmiljörapportering",
            "Medarbetarenkät",
            "Introduktionsportal",
            "Pensionsberäkning",
            "Tjänstebilar",
            "Friskvård",
            "Lönekartläggning",
        ),
        ("hr_admin", "payroll", "recruitment"),
        ("employees", "statistics"),
        "Stöd för personalarbetet.",
    ),
    "finance": Domain(
        ("finance_office",),
        5,
        (
            "Anläggningsreskontra",
            "Koncernkonto",
            "Momsredovisning",
            "Kassasystem",
            "Inkassohantering",
            "Attestflöde",
            "Prognosverktyg",
            "Leverantörsregister",
        ),
        ("accounting", "budget", "invoicing", "procurement"),
        ("ledger", "invoices", "statistics"),
        "Stöd för ekonomiadministrationen.",
    ),
    "records": Domain(
        ("chancery", "archive"),
        3,
        (
            "Registratur",
            "Postöppning",
            "Allmänna handlingar",
            "Arkivredovisning",
            "Gallringsstöd",
            "Protokollsarkiv",
        ),
        ("registration", "archiving", "board_admin"),
        ("cases", "archive", "meetings"),
        "Stöd för registratur och arkiv.",
    ),
    "communication": Domain(
        (COMMUNICATION,),
        3,
        (
            "Nyhetsbrev",
            "Bildbank",
            "Sociala medier",
            "Webbanalys",
            "Medborgardialog",
            "Chattbot",
            "Enkättjänst",
        ),
        ("web", "contact", "eservice"),
        ("web", "customers", "statistics"),
        "Stöd för kommunikation och medborgarservice.",
    ),
    "platform": Domain(
        ("it_office",),
        6,
        (
            "Övervakning",
            "Certifikathantering",
            "Lösenordsvalv",
            "Lagringsplattform",
            "Licenshantering",
            "Tillgångsregister IT",
            "Fjärrsupport",
            "Patchhantering",
            "Sårbarhetsskanning",
            "Namntjänst",
            "Kodförråd",
            "Testmiljöer",
        ),
        ("infra", "security", "identity", "it_service", "integration"),
        ("operations", "logs", "network", "accounts"),
        "Stöd för drift och förvaltning av IT-miljön.",
    ),
}
COMPANY_SHARE = 0.08
COMPANY_STEMS = {
    "holding": ("Koncernrapportering", "Styrelseportal"),
    "housing": (
        "Hyresadministration",
        "Felanmälan hyresgäst",
        "Bostadskö",
        "Energiuppföljning fastighet",
        "Nyckelhantering bostäder",
        "Besiktning",
    ),
    "energy": (
        "Mätvärdesinsamling",
        "Elnätsdokumentation",
        "Driftövervakning fjärrvärme",
        "Kundfakturering energi",
        "Avbrottsinformation",
        "Elhandel",
    ),
    "port": ("Hamnanlöp", "Terminalsystem", "Godsdeklaration", "Kranplanering"),
    "premises": ("Lokalförvaltning", "Underhållsplanering lokaler", "Passagesystem lokaler"),
    "tourism": ("Evenemangsbokning", "Besöksstatistik", "Biljettförsäljning"),
    "water": ("VA-processövervakning", "Ledningskartan", "Vattenprovtagning"),
    "transit": (
        "Trafikledning",
        "Biljettsystem",
        "Fordonsunderhåll",
        "Realtidsinformation",
        "Förarschema",
    ),
    "parking": ("Parkeringsövervakning", "Betalparkering"),
    "waste": ("Turplanering renhållning", "Kärlregister", "Vågsystem"),
    "arena": ("Biljett och evenemang", "Arenabokning"),
    "citynet": ("Fiberdokumentation", "Kundportal bredband"),
}
COMPANY_CAPS = ("plant_ops", "customer_billing")
COMPANY_ASSETS = ("customers", "metering", "operations", "statistics", "tenants")

# Fictional product-name endings for the long tail.
BRANDS = (
    "Pro",
    "Online",
    "Plus",
    "Direkt",
    "Flex",
    "Nova",
    "Portal",
    "Center",
    "Go",
    "360",
    "Express",
    "Smart",
    "Web",
    "Basic",
    "Kommun",
    "Cloud",
    "Mobil",
    "Enterprise",
    "Lite",
    "Next",
    "One",
    "Hub",
    "Suite",
    "Studio",
    "Manager",
)
# Products bought separately by several units (licence coordination).
SEPARATE_PRODUCTS = (
    "PDF-verktyget Pro",
    "Ritverktyg CAD",
    "Enkätverktyget",
    "Skärmläsaren",
    "Statistikprogrammet",
    "Bildredigeraren",
    "Projektverktyget",
    "Diagramverktyget",
    "Taligenkänning Direkt",
    "Videoredigeraren",
    "Tankekartan Online",
    "Utbildningsstudion",
    "Formulärbyggaren",
    "Översättningstjänsten",
    "Planeringstavlan",
    "Skrivstöd Plus",
    "Kartritaren",
    "Fotoarkivet",
    "Tidrapportering Lite",
    "Möteskollen",
    "Presentationsverktyget",
    "Ljudredigeraren",
    "Kodeditorn Studio",
    "Signeringsappen",
    "Skanningstjänsten",
)

LIFECYCLE_WEIGHTS = (
    (Lifecycle.OPERATION, 82),
    (Lifecycle.INTRODUCTION, 4),
    (Lifecycle.PLANNING, 2),
    (Lifecycle.ACQUISITION, 2),
    (Lifecycle.DECOMMISSIONING, 4),
    (Lifecycle.RETIRED, 6),
)
EARLY_PHASES = (Lifecycle.PLANNING, Lifecycle.ACQUISITION)
SAAS_HOSTING = (
    ("SE", "Sverige (Stockholm)"),
    ("SE", "Sverige (Stockholm)"),
    ("SE", "Sverige (Göteborg)"),
    ("IE", "EU (Irland)"),
    ("NL", "EU (Nederländerna)"),
    ("FI", "EU (Finland)"),
    ("DE", "EU (Frankfurt)"),
    ("DK", "EU (Danmark)"),
    ("NO", "EES (Norge)"),
)
OUTSIDE_EEA = ("US", "USA (Virginia)")
SCOPE_REASONS = {
    Scope.UNIT: "Övriga förvaltningar har endast läsbehörighet.",
    Scope.SHARED: "Beslutat av tjänsterådet att bli kommungemensamt.",
}
ROLE_CODES = (
    "owner",
    "manager",
    "operations_local",
    "operations_vendor",
    "it_consultant",
    "information_owner",
    "super_user",
    "product_owner",
    "product_manager",
)


@dataclass(eq=False)
class SysPlan:
    """A system to create, and what the later parts of the step need to know about it."""

    name: str
    domain: str
    owner: object  # OrgUnit
    core: bool = False
    hub: str = ""
    aliases: str = ""
    description: str = ""
    purpose: str = ""
    vendor: object = None
    product: str = ""
    version: str = ""
    lifecycle: str = Lifecycle.OPERATION
    in_operation_since: datetime.date | None = None
    planned_retirement: datetime.date | None = None
    retired_on: datetime.date | None = None
    form: str = IH
    country: str = "SE"
    region: str = ""
    self_developed: bool = False
    board: object = None
    platform: bool = False
    usage_spec: object = "owner"
    usages: list = field(default_factory=list)  # [(unit, users)]
    scope: str = Scope.UNIT
    scope_reason: str = ""
    caps: list = field(default_factory=list)
    tags: list = field(default_factory=list)
    assets: list = field(default_factory=list)
    activity: float = 1.0
    rank: float = 0.0
    gap: str = ""
    company: bool = False
    reviewed: datetime.date | None = None
    costs: tuple = (0, 0, 0)
    system: System | None = None
    owner_person: object = None
    manager_person: object = None

    @property
    def retired(self):
        return self.lifecycle == Lifecycle.RETIRED


def _money(amount):
    return Decimal(int(round(amount, -3)))


class _Builder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.p = ctx.params("registry")
        self.today = timezone.localdate()
        self.domain_name = ctx.params("organisation").get("domain", "kommun.example")
        self.gaps = defaultdict(list)  # kind → [SysPlan]

    # --- Preparation -----------------------------------------------------------------------

    def prepare(self):
        ctx = self.ctx
        self.units = {unit.pk: unit for unit in ctx.units}
        self.children = defaultdict(list)
        for unit in ctx.units:
            if unit.parent_id:
                self.children[unit.parent_id].append(unit)
        # People in each subtree (headcount) and active staff.
        self.subtree_headcount = Counter()
        for unit in ctx.units:
            n = len(ctx.people_by_unit.get(unit.pk, ()))
            for pk in unit.path.strip("/").split("/"):
                self.subtree_headcount[int(pk)] += n
        self.by_name = {}
        for unit in ctx.units:
            self.by_name.setdefault(unit.name, unit)
        self.inactive = [p for p in ctx.people if not p.active]
        self.role_types = {rt.code: rt for rt in RoleType.objects.filter(code__in=ROLE_CODES)}
        missing = set(ROLE_CODES) - set(self.role_types)
        if missing:  # pragma: no cover - the migration seeds them
            raise RuntimeError(f"Role types missing (migration registry 0002): {missing}")
        # Vendors: Swedish and foreign, with their contacts.
        contacts = defaultdict(list)
        for contact in VendorContact.objects.filter(vendor__in=ctx.vendors).order_by("pk"):
            contacts[contact.vendor_id].append(contact)
        self.contacts = contacts
        vendors = list(ctx.vendors)
        self.vendors_se = [v for v in vendors if v.country == "SE" and contacts[v.pk]]
        self.vendors_foreign = [v for v in vendors if v.country != "SE" and contacts[v.pk]]
        self.vendors_bare = [v for v in vendors if not contacts[v.pk]]
        self.vendors_us = [v for v in vendors if v.country == "US"]
        if not self.vendors_se:  # pragma: no cover - tiny scales only
            self.vendors_se = [v for v in vendors if contacts[v.pk]] or vendors
        if not self.vendors_foreign:
            self.vendors_foreign = self.vendors_se
        # Zipf-like weights: a few vendors deliver many systems.
        self.vendor_weights = {
            "se": self._zipf(self.vendors_se),
            "foreign": self._zipf(self.vendors_foreign),
        }
        self.companies = [
            (key, ctx.unit_by_key[f"company_{key}"])
            for key in ctx.params("organisation").get("companies", {})
            if f"company_{key}" in ctx.unit_by_key
        ]
        self.company_roots = {unit.pk for _key, unit in self.companies}
        self.ops_unit = self.unit("operations") or self.unit("it_office")
        self.sysmgmt_unit = self.unit("system_management") or self.unit("it_office")
        self.digital_unit = self.unit("digital") or self.unit("it_office")
        self._staff_cache = {}
        self._subtree_cache = {}

    def _zipf(self, vendors):
        order = list(vendors)
        self.rng.shuffle(order)
        return order, [1 / (i + 1) ** 0.8 for i in range(len(order))]

    def unit(self, key):
        """A unit by organisation key, or by name for keys starting with '@'."""
        if key.startswith("@"):
            return self.by_name.get(key[1:])
        return self.ctx.unit_by_key.get(key)

    def first_unit(self, keys):
        for key in keys:
            unit = self.unit(key)
            if unit is not None:
                return unit
        return self.unit("city_admin") or self.ctx.administrations[0]

    def subtree(self, unit):
        """`unit` and every unit below it, in tree order (cached)."""
        if unit.pk not in self._subtree_cache:
            out, stack = [], [unit]
            while stack:
                node = stack.pop()
                out.append(node)
                stack.extend(reversed(self.children[node.pk]))
            self._subtree_cache[unit.pk] = out
        return self._subtree_cache[unit.pk]

    def staff(self, unit, *, deep=1):
        """Active people of `unit` and its children down to `deep` levels (not the manager of
        `unit` itself), in a stable order."""
        key = (unit.pk, deep)
        if key not in self._staff_cache:
            people = []
            level = [unit]
            for depth in range(deep + 1):
                nxt = []
                for node in level:
                    found = self.ctx.people_by_unit.get(node.pk, ())
                    people += [p for p in (found[1:] if depth == 0 else found) if p.active]
                    nxt += self.children[node.pk]
                level = nxt
            self._staff_cache[key] = people
        return self._staff_cache[key]

    def pick_staff(self, unit, deep=1):
        people = self.staff(unit, deep=deep) or self.staff(self.unit("it_office"), deep=2)
        return self.rng.choice(people)

    def manager_of(self, unit):
        manager = getattr(unit, "manager", None)
        if manager is not None and manager.active:
            return manager
        return None

    def board_of(self, unit):
        """The board (nämnd) above a municipal unit; None for companies."""
        root = self.units.get(int(unit.path.strip("/").split("/")[0]))
        return root if root is not None and root.kind == UnitKind.BOARD else None

    def admin_of(self, unit):
        return self.units[int(administration_key(unit.path))]

    def date_between(self, start, end):
        days = (end - start).days
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, days)))

    def days_ago(self, low, high):
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    # --- Capabilities and tags -------------------------------------------------------------

    def capabilities(self):
        caps = {}
        for key, (name, parent) in CAPABILITIES.items():
            if not parent:
                caps[key] = Capability(name=name, description=f"Förmågeområdet {name.lower()}.")
        self.ctx.create(caps.values())
        children = {}
        for key, (name, parent) in CAPABILITIES.items():
            if parent:
                children[key] = Capability(name=name, parent=caps[parent])
        self.ctx.create(children.values())
        caps.update(children)
        self.caps = caps
        self.tags = {name: Tag(name=name) for name in TAGS}
        self.ctx.create(self.tags.values())

    # --- Planning the systems --------------------------------------------------------------

    def pick_vendor(self, kind):
        order, weights = self.vendor_weights["foreign" if kind == "foreign" else "se"]
        return self.rng.choices(order, weights=weights)[0]

    def plan_core(self):
        plans = []
        for core in CORE:
            owner = self.unit(core.owner) or self.unit("it_office")
            vendor = self.pick_vendor(core.vendor) if core.vendor else None
            plan = SysPlan(
                name=core.name,
                domain=self.domain_of_unit(owner),
                owner=owner,
                core=True,
                hub=core.hub,
                aliases=core.aliases,
                description=core.description,
                purpose=core.description,
                vendor=vendor,
                product=core.name if vendor else "",
                version=self.version() if vendor else "",
                form=core.form,
                self_developed=core.self_dev,
                platform=core.platform,
                usage_spec=core.usage,
                caps=list(core.caps),
                assets=list(core.assets),
                tags=list(core.tags),
                activity=6.0 if core.hub else 3.0,
            )
            if core.board:
                boards = [k for k in sorted(self.ctx.bodies) if k.startswith("product_board")]
                board = self.ctx.bodies.get(core.board) or (
                    self.ctx.bodies[boards[0]] if boards else None
                )
                plan.board = board
            plan.in_operation_since = self.date_between(
                datetime.date(2004, 1, 1), self.today - datetime.timedelta(days=400)
            )
            self.hosting(plan)
            plan.costs = (
                self.rng.randint(200, 4_000) * 1000,
                self.rng.randint(50, 1_500) * 1000,
                self.rng.randint(50, 800) * 1000,
            )
            if plan.hub:
                plan.tags.append("Hub")
            plans.append(plan)
        return plans

    def domain_of_unit(self, unit):
        """The domain whose owning unit is `unit` or its nearest ancestor."""
        owners = {}
        for key, domain in DOMAINS.items():
            owners.setdefault(self.first_unit(domain.owners).pk, key)
        for pk in reversed(unit.path.strip("/").split("/")):
            if int(pk) in owners:
                return owners[int(pk)]
        return "communication"

    def version(self):
        if self.rng.random() < 0.5:
            return f"{self.rng.randint(2019, 2025)}.{self.rng.randint(1, 4)}"
        return f"{self.rng.randint(1, 12)}.{self.rng.randint(0, 9)}"

    def hosting(self, plan):
        if plan.form == SAAS:
            plan.country, plan.region = self.rng.choice(SAAS_HOSTING)
        elif plan.form == OperatingForm.COMPANY_IT:
            plan.region = "Bolagets serverhall"
        elif plan.form == VM:
            plan.region = "Kommunens datacenter"
        else:
            plan.region = f"Egen serverhall, {self.ctx.params('organisation').get('place', '')}"

    def plan_tail(self, count, taken):
        rng = self.rng
        domains = [(key, d) for key, d in DOMAINS.items() if self.first_unit(d.owners) is not None]
        # Domains whose owner key is missing (labour market, service in the small profile)
        # fall back to their second key.
        weights = [d.weight for _key, d in domains]
        company_count = round(count * COMPANY_SHARE) if self.companies else 0
        municipal_count = count - company_count
        plans = []
        for _i in range(municipal_count):
            key, domain = rng.choices(domains, weights=weights)[0]
            owner = self.first_unit(domain.owners)
            stem = rng.choice(domain.stems)
            plans.append(self.tail_plan(stem, key, owner, domain, taken))
        if company_count:
            sizes = [self.subtree_headcount[unit.pk] for _key, unit in self.companies]
            for _i in range(company_count):
                key, root = rng.choices(self.companies, weights=sizes)[0]
                stem = rng.choice(COMPANY_STEMS.get(key, ("Verksamhetssystem",)))
                plans.append(self.tail_plan(stem, f"company:{key}", root, None, taken))
        return plans

    def tail_plan(self, stem, domain_key, owner, domain, taken):
        rng = self.rng
        company = domain is None
        name = f"{stem} {rng.choice(BRANDS)}"
        tries = 0
        while name in taken and tries < 5:
            name = f"{stem} {rng.choice(BRANDS)}"
            tries += 1
        if name in taken:
            place = rng.choice(self.subtree(owner)[1:] or [owner])
            name = f"{stem} ({place.name})"
            n = 2
            while name in taken:
                name = f"{stem} ({place.name}) {n}"
                n += 1
        taken.add(name)
        lifecycle = rng.choices(*zip(*LIFECYCLE_WEIGHTS, strict=True))[0]
        self_developed = not company and rng.random() < 0.04
        r = rng.random()
        if company:
            has_it = any("IT" in u.name.split() for u in self.subtree(owner))
            form = OperatingForm.COMPANY_IT if has_it and r < 0.5 else (SAAS if r < 0.75 else VM)
        elif self_developed:
            form = IH
        else:
            form = IH if r < 0.3 else (VM if r < 0.55 else SAAS)
        vendor = None
        if not self_developed:
            vendor = self.pick_vendor("foreign" if form == SAAS and rng.random() < 0.2 else "se")
        caps = list(COMPANY_CAPS if company else domain.caps)
        assets = list(COMPANY_ASSETS if company else domain.assets)
        plan = SysPlan(
            name=name,
            domain=domain_key,
            owner=owner,
            vendor=vendor,
            product=name if vendor else "",
            version=self.version() if vendor else "",
            lifecycle=lifecycle,
            form=form,
            self_developed=self_developed,
            caps=rng.sample(caps, min(len(caps), rng.choice((1, 1, 1, 2)))),
            assets=rng.sample(assets, min(len(assets), rng.choice((1, 1, 2, 2, 3)))),
            activity=rng.choice((0.3, 0.6, 1, 1, 1, 1.5, 2, 3)),
            company=company,
            description=f"{stem} för {owner.name}.",
            purpose=(domain.purpose if domain else f"Stöd för {owner.name.removesuffix(' AB')}."),
        )
        if rng.random() < 0.1:
            plan.aliases = stem
        self.hosting(plan)
        plan.costs = (
            rng.randint(0, 600) * 1000 if vendor else 0,
            rng.randint(0, 250) * 1000,
            rng.randint(0, 150) * 1000 if vendor else 0,
        )
        self.dates(plan)
        if company:
            plan.tags.append("Bolag")
        if self_developed:
            plan.tags.append("Egenutvecklat")
        if form == SAAS:
            plan.tags.append("Molntjänst")
        return plan

    def dates(self, plan):
        """Lifecycle dates that agree with the phase."""
        today = self.today
        plan.in_operation_since = plan.planned_retirement = plan.retired_on = None
        if plan.lifecycle in (Lifecycle.OPERATION, Lifecycle.DECOMMISSIONING):
            plan.in_operation_since = self.date_between(
                datetime.date(1998, 1, 1), today - datetime.timedelta(days=120)
            )
            if plan.lifecycle == Lifecycle.DECOMMISSIONING:
                plan.planned_retirement = today + datetime.timedelta(days=self.rng.randint(30, 365))
                plan.tags.append("Under avveckling")
            elif self.rng.random() < 0.2:
                plan.planned_retirement = today + datetime.timedelta(
                    days=self.rng.randint(200, 2000)
                )
        elif plan.lifecycle == Lifecycle.RETIRED:
            plan.in_operation_since = self.date_between(
                datetime.date(1998, 1, 1), datetime.date(2016, 12, 31)
            )
            earliest = max(
                plan.in_operation_since + datetime.timedelta(days=730),
                today - datetime.timedelta(days=5 * 365),
            )
            plan.retired_on = self.date_between(earliest, today - datetime.timedelta(days=30))
            plan.planned_retirement = plan.retired_on
        elif plan.lifecycle == Lifecycle.ACQUISITION:
            plan.tags.append("Upphandlas")

    # --- Gaps ------------------------------------------------------------------------------

    def plant_gaps(self, tail):
        """Turn some long-tail systems into the planted gaps, one gap each."""
        rng = self.rng
        counts = {kind: self.ctx.scaled(self.p["gaps"][kind]) for kind in GAP_KINDS}
        pool = [plan for plan in tail if not plan.company and not plan.self_developed]
        rng.shuffle(pool)
        if len(pool) < sum(counts.values()):  # pragma: no cover - guarded by plan_systems
            raise RuntimeError("Too few systems to plant the gaps.")
        it = iter(pool)
        for kind in GAP_KINDS:
            for _i in range(counts[kind]):
                plan = next(it)
                plan.gap = kind
                plan.tags = [t for t in plan.tags if t not in ("Under avveckling", "Upphandlas")]
                plan.lifecycle = Lifecycle.RETIRED if kind in RETIRED_GAPS else Lifecycle.OPERATION
                self.dates(plan)
                if kind == "vendor_operations":
                    plan.form = VM
                    bare = self.gaps[kind] and len(self.gaps[kind]) % 2 == 1 and self.vendors_bare
                    plan.vendor = rng.choice(self.vendors_bare) if bare else self.pick_vendor("se")
                    plan.product = plan.name
                    self.hosting(plan)
                elif kind == "saas_outside_eea":
                    plan.form = SAAS
                    plan.vendor = rng.choice(
                        self.vendors_us or self.vendors_foreign or self.vendors_se
                    )
                    plan.product = plan.name
                    plan.country, plan.region = OUTSIDE_EEA
                    if "Molntjänst" not in plan.tags:
                        plan.tags.append("Molntjänst")
                elif kind == "lifecycle_dates":
                    plan.in_operation_since = self.days_ago(2 * 365, 6 * 365)
                    plan.planned_retirement = plan.in_operation_since - datetime.timedelta(
                        days=rng.randint(200, 900)
                    )
                elif kind in ("personal_data_no_controller", "personal_data_no_record"):
                    if not any(ASSETS[a][5] for a in plan.assets):
                        personal = [a for a in DOMAINS[plan.domain].assets if ASSETS[a][5]]
                        plan.assets.append(personal[0] if personal else "customers")
                elif kind == "retired_licence" and plan.vendor is None:
                    plan.vendor = self.pick_vendor("se")
                    plan.product = plan.name
                self.gaps[kind].append(plan)

    # --- Usage and scope -------------------------------------------------------------------

    def usage(self, plans):
        rng = self.rng
        admins = list(self.ctx.administrations)
        everyone = admins + [unit for _key, unit in self.companies]
        for plan in plans:
            spec = plan.usage_spec
            chosen = []
            if spec == "all":
                chosen = [(u, rng.uniform(0.7, 1.0)) for u in everyone]
            elif spec == "municipal":
                chosen = [(u, rng.uniform(0.5, 1.0)) for u in admins]
            elif isinstance(spec, tuple) and spec[0] == "admins":
                chosen = [(u, rng.uniform(0.3, 0.9)) for u in map(self.unit, spec[1]) if u]
            elif isinstance(spec, tuple) and spec[0] == "family":
                units = [u for fam in spec[1] for u in self.ctx.units_by_family.get(fam, ())]
                sample = rng.sample(units, min(len(units), rng.randint(4, 12)))
                chosen = [(u, rng.uniform(0.5, 1.0)) for u in sample]
                chosen.append((plan.owner, rng.uniform(0.02, 0.1)))
            else:
                chosen = self.owner_usage(plan)
            seen, usages = set(), []
            for unit, share in chosen:
                if unit.pk in seen:
                    continue
                seen.add(unit.pk)
                users = max(1, round(self.subtree_headcount[unit.pk] * share))
                usages.append((unit, users))
            plan.usages = usages
            self.scope(plan)

    def owner_usage(self, plan):
        rng = self.rng
        owner = plan.owner
        if plan.company:
            # The company as a whole: administration_key() counts each department of a company
            # as an administration of its own, which would suggest "shared" for every system
            # two departments use.
            return [(owner, rng.uniform(0.2, 0.9))]
        below = self.subtree(owner)
        near = [u for u in below if u.depth <= owner.depth + 1]
        k = min(len(below), rng.choice((1, 1, 2, 2, 3, 4, 5)))
        chosen = [(owner, rng.uniform(0.1, 0.6))]
        pool = near if rng.random() < 0.6 else below
        for unit in rng.sample(pool, min(len(pool), k)):
            chosen.append((unit, rng.uniform(0.2, 0.9)))
        if not plan.company and rng.random() < 0.25:
            # Used in another administration too: the usage suggests a shared system.
            others = [a for a in self.ctx.administrations if a.pk != self.admin_of(owner).pk]
            for admin in rng.sample(others, min(len(others), rng.randint(1, 2))):
                chosen.append((admin, rng.uniform(0.02, 0.3)))
        return chosen

    def scope(self, plan):
        if plan.platform:
            plan.scope, plan.scope_reason = Scope.SHARED, ""
            plan.tags += ["Teknisk plattform", "Kommungemensamt"]
            return
        keys = {administration_key(unit.path) for unit, _users in plan.usages}
        suggested = Scope.SHARED if len(keys) > 1 else Scope.UNIT
        plan.scope, plan.scope_reason = suggested, ""
        if not plan.core and self.rng.random() < 0.03:
            other = Scope.UNIT if suggested == Scope.SHARED else Scope.SHARED
            plan.scope, plan.scope_reason = other, SCOPE_REASONS[other]
        if plan.scope == Scope.SHARED:
            plan.tags.append("Kommungemensamt")

    # --- Creating the systems --------------------------------------------------------------

    def reviewed(self, plan):
        if plan.gap == "stale_review":
            return self.days_ago(396, 900)
        return self.days_ago(3, 330)

    def create_systems(self, plans):
        rows = []
        for plan in plans:
            plan.system = System(
                name=plan.name,
                aliases=plan.aliases,
                description=plan.description,
                purpose=plan.purpose,
                vendor=plan.vendor,
                product=plan.product,
                product_version=plan.version,
                lifecycle=plan.lifecycle,
                in_operation_since=plan.in_operation_since,
                planned_retirement=plan.planned_retirement,
                retired_on=plan.retired_on,
                scope=plan.scope,
                scope_reason=plan.scope_reason,
                technical_platform=plan.platform,
                operating_form=plan.form,
                hosting_country=plan.country,
                hosting_region=plan.region,
                self_developed=plan.self_developed,
                product_board=plan.board,
                owning_unit=plan.owner,
                cost_licence=_money(plan.costs[0]),
                cost_operation=_money(plan.costs[1]),
                cost_support=_money(plan.costs[2]),
                last_reviewed=self.reviewed(plan),
            )
            rows.append(plan.system)
        self.ctx.create(rows)
        self.through(
            System.capabilities.through,
            [
                System.capabilities.through(system=plan.system, capability=self.caps[key])
                for plan in plans
                for key in dict.fromkeys(plan.caps)
            ],
        )
        self.through(
            System.tags.through,
            [
                System.tags.through(system=plan.system, tag=self.tags[name])
                for plan in plans
                for name in dict.fromkeys(plan.tags)
            ],
        )
        self.ctx.create(
            SystemUsage(system=plan.system, unit=unit, users=users)
            for plan in plans
            for unit, users in plan.usages
        )

    def through(self, model, rows):
        """Many-to-many rows: bulk-inserted, counted, not audited (no audit row of their own
        in the change log either when made through the services' m2m sets)."""
        model.objects.bulk_create(rows, batch_size=2000)
        self.ctx.created[model] += len(rows)

    # --- Roles -----------------------------------------------------------------------------

    def roles(self, plans):
        rng, rt = self.rng, self.role_types
        rows = []
        for plan in plans:
            system, owner_unit = plan.system, plan.owner
            if plan.lifecycle in EARLY_PHASES or plan.lifecycle == Lifecycle.INTRODUCTION:
                first = self.days_ago(30, 500)
            else:
                first = max(plan.in_operation_since, self.today - datetime.timedelta(days=3650))
            last = plan.retired_on or self.today
            end = plan.retired_on

            def role(
                code,
                *,
                person=None,
                contact=None,
                appointed_by=None,
                start=None,
                end=end,
                system=system,
                first=first,
                last=last,
            ):
                start = start or self.date_between(first, last - datetime.timedelta(days=1))
                rows.append(
                    SystemRole(
                        system=system,
                        role_type=rt[code],
                        person=person,
                        vendor_contact=contact,
                        start=start,
                        end=end,
                        appointed_by=appointed_by,
                    )
                )
                return rows[-1]

            # Owner: the manager of the owning unit or of one of its departments.
            heads = [m for m in map(self.manager_of, self.children[owner_unit.pk]) if m]
            owner = self.manager_of(owner_unit) or self.pick_staff(owner_unit)
            if heads and rng.random() < 0.35:
                owner = rng.choice(heads)
            plan.owner_person = owner
            if plan.gap != "no_owner":
                role("owner", person=owner)
            # Manager: the IT office's system management or someone near the owner.
            if plan.company or rng.random() < 0.5:
                manager = self.pick_staff(owner_unit)
            else:
                manager = self.pick_staff(self.sysmgmt_unit, deep=0)
            plan.manager_person = manager
            if plan.gap != "no_manager":
                if rng.random() < 0.1 and first < last - datetime.timedelta(days=60):
                    # An earlier manager, for the history.
                    handover = self.date_between(
                        first + datetime.timedelta(days=30), last - datetime.timedelta(days=2)
                    )
                    earlier = self.pick_staff(self.sysmgmt_unit, deep=0)
                    role(
                        "manager",
                        person=earlier,
                        appointed_by=owner,
                        start=self.date_between(first, handover - datetime.timedelta(days=1)),
                        end=handover - datetime.timedelta(days=1),
                    )
                    start = handover
                else:
                    start = None
                role(
                    "manager",
                    person=manager,
                    appointed_by=None if plan.gap == "no_owner" else owner,
                    start=start,
                    end=None if plan.gap == "retired_role" else end,
                )
            # Operations.
            if plan.form in (IH, VM):
                unit = self.ops_unit if not plan.company else owner_unit
                deep = 0 if unit is self.ops_unit else 2
                role("operations_local", person=self.pick_staff(unit, deep=deep))
            elif plan.form == OperatingForm.COMPANY_IT:
                role("operations_local", person=self.pick_staff(owner_unit, deep=2))
            contacts = self.contacts.get(plan.vendor.pk, []) if plan.vendor else []
            wants_vendor_ops = plan.form == VM or (plan.form == SAAS and rng.random() < 0.4)
            if wants_vendor_ops and contacts and plan.gap != "vendor_operations":
                technical = [
                    c for c in contacts if c.role in ("Teknisk kontakt", "Supportansvarig")
                ]
                role("operations_vendor", contact=rng.choice(technical or contacts))
            # Others.
            if rng.random() < 0.35:
                role("information_owner", person=rng.choice([owner, *heads]))
            if plan.usages and rng.random() < 0.5:
                unit = rng.choice(plan.usages)[0]
                for person in dict.fromkeys(
                    rng.choice(self.staff(unit, deep=2) or [manager])
                    for _i in range(rng.randint(1, 2))
                ):
                    role("super_user", person=person)
            if rng.random() < 0.1:
                role("it_consultant", person=self.pick_staff(self.digital_unit, deep=0))
            if plan.self_developed:
                role("product_owner", person=owner)
                role("product_manager", person=self.pick_staff(self.digital_unit, deep=0))
            if plan.gap == "inactive_holder":
                candidates = [p for p in self.inactive if p.unit_id != owner_unit.pk]
                leaver = rng.choice(candidates or self.inactive)
                role("super_user", person=leaver, end=None)
        self.ctx.create(rows)
        return rows

    # --- Integrations ----------------------------------------------------------------------

    def integrations(self, plans):
        rng = self.rng
        ratio = self.p["integrations"] / self.p["systems"]
        target = round(len(plans) * ratio)
        hub_share = self.p.get("hub_share", 0.3)
        by_name = {plan.name: plan for plan in plans}
        hubs = {plan.hub: plan for plan in plans if plan.hub}
        for plan in plans:
            if plan.hub:
                plan.rank = HUBS[plan.hub][1]
            else:
                plan.rank = CORE_RANKS.get(plan.name) or rng.uniform(0.1, 0.9)
            if plan.lifecycle in EARLY_PHASES:
                plan.activity *= 0.3
        cum, total = [], 0.0
        for plan in plans:
            total += plan.activity
            cum.append(total)
        by_domain = defaultdict(list)
        for plan in plans:
            by_domain[plan.domain].append(plan)
        domain_cum = {}
        for key, members in by_domain.items():
            acc, running = [], 0.0
            for plan in members:
                running += plan.activity
                acc.append(running)
            domain_cum[key] = acc
        hub_keys = [key for key in HUBS if key in hubs]
        hub_weights = [HUBS[key][0] for key in hub_keys]
        partners = {key: [] for key in hub_keys}  # systems each hub has an integration with

        edges = {}  # (source, target) → information

        def add(source, target, info):
            if source is target or (source, target) in edges:
                return False
            edges[(source, target)] = info
            return True

        for source_name, target_name, info in FIXED_EDGES:
            if source_name in by_name and target_name in by_name:
                add(by_name[source_name], by_name[target_name], info)
        # Every retired system planted with an active integration gets one to a live system.
        live = [p for p in plans if p.lifecycle == Lifecycle.OPERATION and not p.gap]
        self.retired_active = set()
        for plan in self.gaps["retired_integration"]:
            other = rng.choice([p for p in live if p.domain == plan.domain] or live)
            pair = (plan, other) if rng.random() < 0.5 else (other, plan)
            if add(*pair, rng.choice(PEER_INFO)):
                self.retired_active.add(pair)

        attempts = 0
        while len(edges) < target and attempts < target * 30:
            attempts += 1
            r = rng.random()
            x = rng.choices(plans, cum_weights=cum)[0]
            if x.hub:
                continue
            if r < hub_share and hub_keys:
                key = rng.choices(hub_keys, weights=hub_weights)[0]
                hub = hubs[key]
                _share, _rank, out_info, in_info, p_back = HUBS[key]
                near = [p for p in partners[key] if abs(p.rank - hub.rank) < ANSWER_REACH]
                if near and rng.random() < p_back:
                    # An answer back along an existing integration.
                    other = rng.choice(near)
                    if other.rank > hub.rank:
                        add(other, hub, rng.choice(in_info))
                    else:
                        add(hub, other, rng.choice(out_info))
                elif x.rank > hub.rank:
                    if add(hub, x, rng.choice(out_info)):
                        partners[key].append(x)
                elif add(x, hub, rng.choice(in_info)):
                    partners[key].append(x)
                continue
            same_domain = r < hub_share + (1 - hub_share) * 0.8
            if same_domain:
                y = rng.choices(by_domain[x.domain], cum_weights=domain_cum[x.domain])[0]
            else:
                y = rng.choices(plans, cum_weights=cum)[0]
            if y.hub:
                continue
            source, target_ = (x, y) if x.rank < y.rank else (y, x)
            close = abs(source.rank - target_.rank) < PEER_REACH
            if same_domain and close and rng.random() < REVERSED_PEERS * 3:
                source, target_ = target_, source
            add(source, target_, rng.choice(PEER_INFO))

        rows = []
        techs = (
            (Technology.API, 45),
            (Technology.FILE, 30),
            (Technology.MESSAGE, 15),
            (Technology.DATABASE, 10),
        )
        freqs = (
            (Frequency.REALTIME, 25),
            (Frequency.HOURLY, 10),
            (Frequency.DAILY, 40),
            (Frequency.WEEKLY, 10),
            (Frequency.MONTHLY, 8),
            (Frequency.ON_DEMAND, 7),
        )
        for (source, target_), info in edges.items():
            phases = {source.lifecycle, target_.lifecycle}
            if (source, target_) in self.retired_active:
                status = IntegrationStatus.ACTIVE
            elif Lifecycle.RETIRED in phases:
                status = IntegrationStatus.RETIRED
            elif phases & set(EARLY_PHASES):
                status = IntegrationStatus.PLANNED
            elif Lifecycle.INTRODUCTION in phases:
                status = rng.choice((IntegrationStatus.PLANNED, IntegrationStatus.ACTIVE))
            else:
                status = (
                    IntegrationStatus.RETIRED if rng.random() < 0.02 else IntegrationStatus.ACTIVE
                )
            rows.append(
                Integration(
                    source=source.system,
                    target=target_.system,
                    information=info,
                    technology=rng.choices(*zip(*techs, strict=True))[0],
                    frequency=rng.choices(*zip(*freqs, strict=True))[0],
                    owner=source.manager_person or target_.manager_person,
                    status=status,
                    description=f"{info} från {source.name} till {target_.name}.",
                )
            )
        self.ctx.create(rows)
        return rows

    # --- Information assets ----------------------------------------------------------------

    def information(self, plans):
        rng = self.rng
        rows, record = [], 0
        for plan in plans:
            board = None if plan.company else self.board_of(plan.owner)
            broken = None
            if plan.gap in ("personal_data_no_controller", "personal_data_no_record"):
                broken = next(a for a in plan.assets if ASSETS[a][5])
            for key in dict.fromkeys(plan.assets):
                name, k, r, t, s, personal, sensitive = ASSETS[key]
                if plan.company or board is None:
                    personal, sensitive = False, ""
                controller, reference = None, ""
                if personal:
                    record += 1
                    controller = board
                    reference = f"RF-{rng.randint(2019, 2025)}-{record:04d}"
                    if key == broken and plan.gap == "personal_data_no_controller":
                        controller = None
                    elif key == broken:
                        reference = ""
                rows.append(
                    InformationAsset(
                        system=plan.system,
                        name=name,
                        confidentiality=min(4, max(0, k + rng.choice((-1, 0, 0, 0, 1)))),
                        integrity=r,
                        availability=min(4, max(0, t + rng.choice((-1, 0, 0, 1)))),
                        traceability=s,
                        personal_data=personal,
                        sensitive_categories=sensitive,
                        controller_board=controller,
                        processing_record=reference,
                        retention=rng.choice(RETENTION),
                        classified_on=self.days_ago(10, 1100),
                        classified_by=plan.manager_person or plan.owner_person,
                    )
                )
        self.ctx.create(rows)
        return rows

    # --- Contracts and licences ------------------------------------------------------------

    def contracts_and_licences(self, plans):
        rng, today = self.rng, self.today
        contracts, links, licences, licence_units = [], [], [], []
        number = 0
        by_vendor = defaultdict(list)
        for plan in plans:
            if plan.vendor is not None and plan.lifecycle not in EARLY_PHASES:
                by_vendor[plan.vendor.pk].append(plan)
        for members in by_vendor.values():
            i = 0
            while i < len(members):
                group = members[i : i + (2 if rng.random() < 0.15 else 1)]
                i += len(group)
                # Framework contracts only cover systems in the same state.
                if len(group) == 2 and group[0].retired != group[1].retired:
                    group, i = group[:1], i - 1
                lead = group[0]
                number += 1
                if lead.retired:
                    end = lead.retired_on
                    start = end - datetime.timedelta(days=rng.randint(2, 6) * 365)
                else:
                    start = self.days_ago(30, 4 * 365)
                    end = start + datetime.timedelta(days=rng.randint(3, 6) * 365)
                    if end <= today:
                        end = today + datetime.timedelta(days=rng.randint(20, 900))
                contract = Contract(
                    vendor=lead.vendor,
                    number=f"AVT-{start.year}-{number:04d}",
                    title=(
                        f"{lead.name} – licens, drift och support"
                        if len(group) == 1
                        else f"Ramavtal {lead.vendor.name.removesuffix(' AB')}"
                    ),
                    start=start,
                    end=end if rng.random() < 0.95 or lead.retired else None,
                    notice_months=rng.choice((3, 3, 6, 6, 9, 12)),
                    extension_options=rng.choice(("", "1+1 år", "2+1 år", "2 × 12 månader")),
                    annual_value=_money(sum(p.costs[0] + p.costs[2] for p in group)),
                    procurement_reference=f"UH-{start.year - 1}-{rng.randint(1, 180):03d}",
                    responsible_unit=lead.owner,
                )
                contracts.append(contract)
                for plan in group:
                    links.append((contract, plan))
        self.ctx.create(contracts)
        self.through(
            Contract.systems.through,
            [Contract.systems.through(contract=c, system=p.system) for c, p in links],
        )
        # Licences: most vendor systems with a contract.
        for contract, plan in links:
            planted = plan.gap == "retired_licence"
            if not planted and rng.random() > 0.7:
                continue
            if plan.retired:
                valid = (
                    today + datetime.timedelta(days=rng.randint(60, 400))
                    if planted
                    else (plan.retired_on)
                )
            else:
                valid = contract.end
            users = sum(u for _unit, u in plan.usages) or 10
            licence = Licence(
                product=plan.product or plan.name,
                vendor=plan.vendor,
                system=plan.system,
                contract=contract,
                metric=rng.choice(
                    (LicenceMetric.USER, LicenceMetric.USER, LicenceMetric.CONCURRENT)
                    if users > 20
                    else (LicenceMetric.USER, LicenceMetric.DEVICE, LicenceMetric.SITE)
                ),
                entitlements=math.ceil(users * rng.uniform(1.0, 1.25)),
                annual_cost=_money(plan.costs[0]),
                group_wide=plan.usage_spec == "all",
                valid_until=valid,
            )
            licences.append(licence)
            units = [u for u, _n in plan.usages if u.depth <= 2] or [plan.owner]
            licence_units.append((licence, units[:20]))
        # The same products bought separately by several units.
        admins = list(self.ctx.administrations)
        for product in SEPARATE_PRODUCTS[: self.ctx.scaled(self.p["separate_products"])]:
            vendor = self.pick_vendor("se")
            for admin in rng.sample(admins, min(len(admins), rng.randint(3, 6))):
                below = [u for u in self.subtree(admin) if u.depth <= admin.depth + 1]
                unit = rng.choice(below)
                n = rng.randint(3, 60)
                licence = Licence(
                    product=product,
                    vendor=vendor if rng.random() < 0.7 else self.pick_vendor("se"),
                    metric=LicenceMetric.USER,
                    entitlements=n,
                    annual_cost=_money(n * rng.randint(800, 4000)),
                    valid_until=today + datetime.timedelta(days=rng.randint(30, 900)),
                )
                licences.append(licence)
                licence_units.append((licence, [unit]))
        self.ctx.create(licences)
        self.through(
            Licence.units.through,
            [
                Licence.units.through(licence=licence, orgunit=unit)
                for licence, units in licence_units
                for unit in dict.fromkeys(units)
            ],
        )

    # --- Documents and links ---------------------------------------------------------------

    def links(self, plans):
        rows = []
        for plan in plans:
            slug = names.slug(plan.name).replace(".", "-")
            base = f"https://intranat.{self.domain_name}/system/{slug}"
            if plan.core or self.rng.random() < 0.3:
                rows.append(
                    SystemLink(
                        system=plan.system,
                        title=f"Systemförvaltningsplan {plan.name}",
                        url=f"{base}/forvaltningsplan.pdf",
                        is_document=True,
                    )
                )
            if plan.core or self.rng.random() < 0.2:
                rows.append(
                    SystemLink(
                        system=plan.system, title="Användarhandledning", url=f"{base}/manual"
                    )
                )
        self.ctx.create(rows)

    # --- Compliance snapshots --------------------------------------------------------------

    def snapshots(self):
        """Eight weekly snapshots falling towards today's planted counts, in the shape of
        compliance.write_snapshot: per day one group row per rule (administration empty, zeros
        too) and one row per rule and administration with findings."""
        rng = self.rng
        final = Counter()
        for kind, plans in self.gaps.items():
            for plan in plans:
                final[(RULES[kind], self.admin_of(plan.owner).pk)] += 1
        rules = list(dict.fromkeys(RULES.values()))
        admins = list(self.ctx.administrations)
        pairs = set(final)
        for rule in rules:
            # Findings that administrations have fixed during the eight weeks.
            for admin in rng.sample(admins, min(len(admins), rng.randint(1, 3))):
                pairs.add((rule, admin.pk))
        extra = {pair: rng.randint(1, 5) + final[pair] for pair in sorted(pairs)}
        rows = []
        weeks = SNAPSHOT_WEEKS
        for week in range(weeks):
            date = self.today - datetime.timedelta(days=7 * (weeks - 1 - week))
            left = weeks - 1 - week  # weeks to go until today
            group = Counter()
            for (rule, admin_pk), more in extra.items():
                count = final[(rule, admin_pk)] + math.ceil(more * left / (weeks - 1))
                group[rule] += count
                if count:
                    rows.append(
                        ComplianceSnapshot(
                            date=date, rule=rule, administration_id=admin_pk, count=count
                        )
                    )
            rows += [
                ComplianceSnapshot(date=date, rule=rule, administration=None, count=group[rule])
                for rule in rules
            ]
        ComplianceSnapshot.objects.bulk_create(rows, batch_size=2000)
        self.ctx.created[ComplianceSnapshot] += len(rows)

    # --- The build -------------------------------------------------------------------------

    def run(self):
        ctx = self.ctx
        self.prepare()
        self.capabilities()
        core = self.plan_core()
        taken = {plan.name for plan in core}
        gaps_needed = sum(ctx.scaled(self.p["gaps"][kind]) for kind in GAP_KINDS)
        # Reduced profiles keep the core, the planted gaps and a few more.
        count = max(ctx.scaled(self.p["systems"]), len(core) + 2 * gaps_needed + 10)
        tail = self.plan_tail(count - len(core), taken)
        self.plant_gaps(tail)
        plans = core + tail
        self.usage(plans)
        self.create_systems(plans)
        self.roles(plans)
        self.integrations(plans)
        self.information(plans)
        self.contracts_and_licences(plans)
        self.links(plans)
        self.snapshots()

        ctx.systems = [plan.system for plan in plans]
        ctx.system_by_name = {plan.name: plan.system for plan in plans}
        ctx.hubs = {plan.hub: plan.system for plan in plans if plan.hub}
        ctx.capabilities = self.caps
        ctx.registry_gaps = {kind: [plan.system for plan in self.gaps[kind]] for kind in GAP_KINDS}


def build(ctx):
    """The system register step: capabilities, systems, roles, integrations, information,
    contracts, licences and compliance snapshots, with planted gaps."""
    _Builder(ctx).run()
