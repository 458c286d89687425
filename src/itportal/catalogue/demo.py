"""The service catalogue's step of the demo generator.

Builds on the organisation and registry steps: the IT office's catalogue of 43 services in the
six categories (workplace, servers and storage, print, telephony and networks, applications,
support and consulting), each with what is included and excluded, an owner in the IT office,
the IT office as delivering unit, linked systems of the register, a billing unit and a cost kind
(five development services); price lists for 2024–2027 (prices rising a few per cent a year,
2027 marked preliminary), with three mid-year price changes in 2026; the IT fee rules (the
municipality per employee, lowered from 2026 as services take over; the companies per user
account); and the subscriptions.

Subscriptions (`subscriptions` per profile: small 15,000, large 120,000, times the scale):
    * per person, one row each (quantity 1): computers, tablets, mobile phones, docking
      stations and the Microsoft 365 licence, at rates per kind of unit (an office worker has
      a computer, a phone and an E3 licence; a care worker a phone and an F3 licence; a
      politician a tablet). These rows fill whatever the grouped rows leave of the target, so
      the total is exactly the target;
    * per unit, one row with a quantity: telephony extensions, mobile subscriptions, video
      meetings, printers, secure print, network connections, guest Wi-Fi, pupils' computers in
      class sets of 30, conference rooms, licences for Acrobat and CAD;
    * per administration, office and company: storage and backup per GB (with later
      increases), virtual servers (one row each, the host name as identifier), databases for
      systems the administration owns, integrations, e-services, system management fees;
    * hours and one-off services sprinkled over the period (about 3 % of the rows), billed
      in the month they were done;
    * start dates from 2024-01-01 (the catalogue's launch: most rows were migrated then) to
      today, many mid-month; about 10 % of the rows have ended, many mid-month too; rows of
      the retired analogue telephony all ended before 2026;
    * a few rows carry the devices or accounts behind the quantity (serial numbers, host
      names, account names), exactly as many as the quantity.

Everything is created with ctx.create (audited as command:demo) and depends only on profile,
seed, scale and the day of the build (the last start dates are before today).

Left on `ctx` for later steps:
    services              every Service, in catalogue order
    service_by_code       {code: Service}
    price_lists           {year: PriceList}
    fee_rules             every ITFeeRule
"""

import datetime
import math
import string
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from itportal.catalogue.choices import (
    BillingUnit,
    Category,
    CostKind,
    FeeBasis,
    ServiceStatus,
    SubscriptionSource,
)
from itportal.catalogue.models import ITFeeRule, Price, PriceList, Service, Subscription
from itportal.demo import names
from itportal.organisation.choices import UnitKind

LAUNCH = datetime.date(2024, 1, 1)
FIRST_YEAR = 2024
LAST_PRICE_YEAR = 2027
# Yearly price increase, drawn per service and year.
INCREASE = (0.015, 0.045)

W, INFRA, P, C, A, S = (
    Category.WORKPLACE,
    Category.INFRASTRUCTURE,
    Category.PRINT,
    Category.COMMUNICATION,
    Category.APPLICATION,
    Category.SUPPORT,
)
DEV, USER, GB, HOUR, MONTH, ONCE = (
    BillingUnit.DEVICE,
    BillingUnit.USER,
    BillingUnit.GB,
    BillingUnit.HOUR,
    BillingUnit.MONTH,
    BillingUnit.ONE_OFF,
)


@dataclass(frozen=True)
class Spec:
    code: str
    name: str
    category: str
    billing: str
    price: str  # 2024, per billing unit
    owner: str  # unit key in the IT office whose manager owns the service
    summary: str
    included: str
    excluded: str
    systems: tuple = ()
    orderable: bool = False
    development: bool = False
    status: str = ServiceStatus.ACTIVE


SERVICES = (
    # --- Workplace ------------------------------------------------------------------------
    Spec(
        "DST-BAS",
        "Dator som tjänst – bas",
        W,
        DEV,
        "395",
        "servicedesk",
        "En bärbar standarddator med kommunens klientplattform, utbytt vart fjärde år.",
        "Bärbar dator (14 tum), dockningsbar. Installation av kommunens klientplattform, "
        "antivirus, kryptering och automatiska uppdateringar. Support via Servicedesk. "
        "Byte vid fel och efter fyra år. Säker radering vid återlämning.",
        "Bildskärm, dockningsstation och tillbehör (se Bildskärm och dockningsstation). "
        "Verksamhetsspecifika program och deras licenser. Skador genom oaktsamhet.",
        ("Klientplattform", "Antivirus och endpointskydd"),
        orderable=True,
    ),
    Spec(
        "DST-UTO",
        "Dator som tjänst – utökad",
        W,
        DEV,
        "545",
        "servicedesk",
        "En kraftfullare bärbar dator för tunga program, utbytt vart fjärde år.",
        "Allt i Dator som tjänst – bas, med mer minne och snabbare processor för GIS, "
        "bildbehandling och stora kalkyler. Lånedator vid reparation.",
        "Bildskärm, dockningsstation och tillbehör. Licenser för verksamhetens egna program.",
        ("Klientplattform", "Antivirus och endpointskydd"),
        orderable=True,
    ),
    Spec(
        "DST-MAC",
        "Dator som tjänst – Mac",
        W,
        DEV,
        "640",
        "servicedesk",
        "En MacBook för kommunikatörer, formgivare och utvecklare.",
        "MacBook Air eller Pro, hanterad i kommunens mobilhantering, med antivirus och "
        "kryptering. Support via Servicedesk. Byte efter fyra år.",
        "Program för bild och film. Tillbehör.",
        ("Mobilhantering (MDM)", "Antivirus och endpointskydd"),
        orderable=True,
    ),
    Spec(
        "DST-ELEV",
        "Elevdator som tjänst",
        W,
        DEV,
        "165",
        "servicedesk",
        "Elevdatorer till grundskola och gymnasium, levererade klassvis om 30.",
        "Chromebook eller enkel Windowsdator med skolans lärplattform, laddvagn per klass, "
        "byte efter tre år och hantering av trasiga enheter.",
        "Försäkring vid skadegörelse. Programlicenser utöver lärplattformen.",
        ("Skolwebben", "Mobilhantering (MDM)"),
    ),
    Spec(
        "SURF",
        "Surfplatta som tjänst",
        W,
        DEV,
        "155",
        "servicedesk",
        "En surfplatta med skal, hanterad i kommunens mobilhantering.",
        "iPad med skyddsfodral, appar från kommunens appkatalog, mobilhantering och "
        "fjärrlåsning vid förlust. Byte efter tre år.",
        "Mobilabonnemang för surfplattor med SIM-kort. Tangentbord och penna.",
        ("Mobilhantering (MDM)",),
        orderable=True,
    ),
    Spec(
        "MOB",
        "Mobiltelefon som tjänst",
        W,
        DEV,
        "139",
        "servicedesk",
        "En smart mobiltelefon med skal och skärmskydd, hanterad i mobilhanteringen.",
        "Telefon, skal och skärmskydd, mobilhantering, säker e-post och kalender, byte efter "
        "tre år eller vid fel.",
        "Abonnemanget (se Mobilabonnemang). Skador genom oaktsamhet.",
        ("Mobilhantering (MDM)",),
        orderable=True,
    ),
    Spec(
        "DOCK",
        "Bildskärm och dockningsstation",
        W,
        DEV,
        "65",
        "servicedesk",
        "En arbetsplats med 24-tums bildskärm, dockningsstation, tangentbord och mus.",
        "Bildskärm, dockningsstation, tangentbord och mus, utbyte vid fel.",
        "Höj- och sänkbara skrivbord och ergonomiska specialtillbehör.",
        orderable=True,
    ),
    Spec(
        "KONF",
        "Konferensrumsutrustning",
        W,
        MONTH,
        "950",
        "servicedesk",
        "Ett mötesrum med skärm, kamera och högtalare för hybridmöten.",
        "Skärm, kamera, mikrofoner och högtalare, installation, förebyggande kontroll två "
        "gånger per år och felavhjälpning nästa arbetsdag.",
        "Möbler och ombyggnad av lokalen.",
        ("Samarbetsrummet",),
        orderable=True,
    ),
    # --- Print ----------------------------------------------------------------------------
    Spec(
        "UTSKR",
        "Utskriftstjänst (per skrivare)",
        P,
        DEV,
        "420",
        "servicedesk",
        "En nätverksskrivare med papper, toner och service.",
        "Skrivare, toner, service och felavhjälpning, övervakning av förbrukning.",
        "Papper i specialformat. Färgutskrifter över 2 000 sidor per månad.",
        ("Utskriftstjänsten",),
        orderable=True,
    ),
    Spec(
        "MFP",
        "Multifunktionsskrivare, stor",
        P,
        DEV,
        "1250",
        "servicedesk",
        "En stor multifunktionsskrivare för kopiering, skanning och utskrift i A3.",
        "Skrivare, toner, service, skanna till e-post och till mapp.",
        "Efterbehandling (häftning, falsning) utöver standard.",
        ("Utskriftstjänsten",),
        orderable=True,
    ),
    Spec(
        "FOLJ",
        "Säker utskrift per användare",
        P,
        USER,
        "9.50",
        "servicedesk",
        "Skriv ut på vilken skrivare som helst och hämta med passerkortet.",
        "Följ mig-utskrift, utskriftskö i kommunens utskriftstjänst, statistik per enhet.",
        "Skrivarna (se Utskriftstjänst).",
        ("Utskriftstjänsten",),
    ),
    # --- Servers and storage --------------------------------------------------------------
    Spec(
        "LAGR",
        "Lagring per GB",
        INFRA,
        GB,
        "2.40",
        "operations",
        "Filytor och lagring för verksamhetens system i kommunens datahall.",
        "Lagring med speglad kopia i två datahallar, behörighetsstyrning, ögonblicksbilder "
        "i 30 dagar.",
        "Säkerhetskopiering utöver 30 dagar (se Säkerhetskopiering per GB).",
        ("Servrar och virtualisering",),
    ),
    Spec(
        "BACKUP",
        "Säkerhetskopiering per GB",
        INFRA,
        GB,
        "0.95",
        "operations",
        "Säkerhetskopior med ett års historik, skyddade mot utpressningsvirus.",
        "Dagliga kopior, månadskopior i ett år, oföränderlig kopia utanför datahallen, "
        "återläsningstest två gånger per år.",
        "Arkivering enligt dokumenthanteringsplanen (se E-arkiv).",
        ("Säkerhetskopiering",),
    ),
    Spec(
        "VS",
        "Virtuell server",
        INFRA,
        DEV,
        "1450",
        "operations",
        "En virtuell server (2 processorer, 8 GB minne) med drift och övervakning.",
        "Operativsystem, patchning varje månad, övervakning dygnet runt, antivirus och "
        "säkerhetskopiering av systemdisken.",
        "Lagring utöver 100 GB. Applikationens drift och licenser.",
        ("Servrar och virtualisering",),
    ),
    Spec(
        "VS-STOR",
        "Virtuell server – stor",
        INFRA,
        DEV,
        "2950",
        "operations",
        "En stor virtuell server (8 processorer, 32 GB minne) med drift och övervakning.",
        "Som Virtuell server, med högre kapacitet och prioriterad felavhjälpning.",
        "Lagring utöver 250 GB. Applikationens drift och licenser.",
        ("Servrar och virtualisering",),
    ),
    Spec(
        "DB",
        "Databastjänst",
        INFRA,
        MONTH,
        "1150",
        "operations",
        "En databas i kommunens gemensamma databaskluster (SQL Server eller PostgreSQL).",
        "Databasinstans, licens, patchning, säkerhetskopiering och återläsning, övervakning.",
        "Databasdesign och prestandaoptimering (se Konsulttimme systemförvaltning).",
        ("Servrar och virtualisering",),
    ),
    Spec(
        "HOST",
        "Fysisk server i datahall",
        INFRA,
        DEV,
        "2400",
        "operations",
        "Plats, ström och kyla för en egen fysisk server. Avvecklas: flytta till virtuell server.",
        "Rackplats, redundant ström, kyla, nätverksanslutning och fysisk säkerhet.",
        "Servern själv, dess drift och service.",
        ("Servrar och virtualisering",),
        status=ServiceStatus.RETIRING,
    ),
    Spec(
        "WEBB",
        "Webbhotell",
        INFRA,
        MONTH,
        "450",
        "operations",
        "Ett webbhotell för en kampanjwebb eller mindre webbplats.",
        "Webbserver, certifikat, säkerhetskopiering och uppdateringar av plattformen.",
        "Innehåll och formgivning.",
        ("Webbplatsen",),
    ),
    Spec(
        "M365-BACKUP",
        "Säkerhetskopiering av Microsoft 365",
        INFRA,
        USER,
        "7.50",
        "operations",
        "Säkerhetskopior av e-post, OneDrive och Teams för varje användare.",
        "Daglig kopia, ett års historik, återläsning via Servicedesk.",
        "Delade ytor utanför Microsoft 365.",
        ("Säkerhetskopiering", "E-post och kalender"),
    ),
    # --- Telephony and networks -----------------------------------------------------------
    Spec(
        "VAXEL",
        "Växeltjänst per anknytning",
        C,
        USER,
        "62",
        "operations",
        "Anknytning i kommunens växel med svarsgrupper och röstbrevlåda.",
        "Anknytning, nummer, svarsgrupp, hänvisning och röstbrevlåda, statistik.",
        "Samtalskostnader till utlandet. Kontaktcentrets kösystem.",
        ("Växeln",),
        orderable=True,
    ),
    Spec(
        "MOBAB",
        "Mobilabonnemang",
        C,
        DEV,
        "119",
        "operations",
        "Abonnemang med samtal, sms och 30 GB data per månad inom EU.",
        "Fria samtal och sms inom Sverige, 30 GB data, EU-roaming, koppling till växeln.",
        "Samtal och data utanför EU. Betalsamtal.",
        ("Växeln",),
        orderable=True,
    ),
    Spec(
        "VIDEO",
        "Videomöte",
        C,
        USER,
        "19",
        "operations",
        "Licens för säkra videomöten med externa deltagare och e-legitimation.",
        "Mötesrum med väntrum, inloggning med BankID för externa, inspelning, tolkanslutning.",
        "Konferensrummets utrustning (se Konferensrumsutrustning).",
        ("Samarbetsrummet",),
        orderable=True,
    ),
    Spec(
        "NAT",
        "Nätverksanslutning, verksamhetslokal",
        C,
        MONTH,
        "1850",
        "operations",
        "Fiberanslutning, trådlöst nät och brandvägg för en verksamhetslokal.",
        "Anslutning till kommunens nät, trådlöst nät i lokalen, brandvägg, övervakning.",
        "Kabeldragning vid ombyggnad (offereras separat).",
        ("Nätverk (LAN och WLAN)", "Brandvägg och fjärråtkomst"),
    ),
    Spec(
        "GASTNAT",
        "Gäst-wifi",
        C,
        MONTH,
        "175",
        "operations",
        "Trådlöst gästnät för besökare, boende och elever.",
        "Gästnät avskilt från verksamhetsnätet, godkännande av villkor, filtrering.",
        "Utökad täckning utomhus.",
        ("Nätverk (LAN och WLAN)",),
    ),
    Spec(
        "ANALOG",
        "Fast telefoni – analog anknytning",
        C,
        USER,
        "85",
        "operations",
        "Analoga anknytningar. Avvecklad 2025; ersatt av Växeltjänst per anknytning.",
        "Analog anknytning, nummer och felavhjälpning.",
        "Larm och hissar kopplade till analoga linjer (flyttade till larmtjänst).",
        ("Växeln",),
        status=ServiceStatus.RETIRED,
    ),
    # --- Applications ---------------------------------------------------------------------
    Spec(
        "M365-E3",
        "Licens Office 365 E3 per användare",
        A,
        USER,
        "285",
        "system_management",
        "Office-paketet, e-post, Teams och OneDrive för den som arbetar vid dator.",
        "Word, Excel, PowerPoint och Outlook installerat, e-post 100 GB, OneDrive 1 TB, Teams.",
        "Power BI Pro, Visio och Project. Säkerhetskopiering (se Säkerhetskopiering av "
        "Microsoft 365).",
        ("E-post och kalender", "Samarbetsrummet"),
        orderable=True,
    ),
    Spec(
        "M365-F3",
        "Licens Office 365 F3 per användare",
        A,
        USER,
        "92",
        "system_management",
        "E-post, Teams och webbversionerna av Office för den som mest arbetar i mobilen.",
        "E-post 2 GB, Teams, Office på webben och i mobilen, OneDrive 2 GB.",
        "Installerade Office-program.",
        ("E-post och kalender", "Samarbetsrummet"),
        orderable=True,
    ),
    Spec(
        "ACROBAT",
        "Adobe Acrobat Pro per användare",
        A,
        USER,
        "185",
        "system_management",
        "Redigera, granska och tillgänglighetsanpassa pdf-filer.",
        "Licens, installation och uppdateringar.",
        "Övriga Adobe-program.",
        orderable=True,
    ),
    Spec(
        "CAD",
        "Ritprogram (CAD) per användare",
        A,
        USER,
        "720",
        "system_management",
        "CAD-program för ritningar och detaljplaner.",
        "Licens, installation, uppdateringar och kontakt med leverantörens support.",
        "Utbildning i programmet.",
        ("Kartportalen",),
        orderable=True,
    ),
    Spec(
        "SYSF",
        "Systemförvaltning – grundavgift",
        A,
        MONTH,
        "4500",
        "system_management",
        "Fast avgift för IT-kontorets förvaltning av ett verksamhetssystem.",
        "Systemförvaltare i IT-kontoret, uppgraderingar, behörighetsadministration, "
        "leverantörskontakt och förvaltningsplan.",
        "Utveckling och anpassningar (se Konsulttimme utveckling).",
    ),
    Spec(
        "INTEGR",
        "Integration på integrationsplattformen",
        A,
        MONTH,
        "850",
        "system_management",
        "En integration mellan två system, driftad och övervakad.",
        "Drift, övervakning, larm vid fel, loggning och felsökning.",
        "Utveckling av nya integrationer (se Konsulttimme utveckling).",
        ("Integrationsplattformen",),
    ),
    Spec(
        "ETJ",
        "E-tjänst på e-tjänsteplattformen",
        A,
        MONTH,
        "2200",
        "digital",
        "En publicerad e-tjänst med e-legitimation och koppling till verksamhetssystem.",
        "Plattform, inloggning med BankID, drift, statistik och tillgänglighetsgranskning.",
        "Utveckling av e-tjänsten (se E-tjänsteutveckling per timme).",
        ("E-tjänsteplattformen", "E-underskrift"),
    ),
    Spec(
        "COPILOT",
        "AI-assistent per användare",
        A,
        USER,
        "340",
        "digital",
        "AI-assistent i Office-programmen. Planeras från 2027 efter utvärdering.",
        "Licens och introduktion.",
        "Användning med känsliga personuppgifter.",
        ("E-post och kalender",),
        status=ServiceStatus.PLANNED,
    ),
    # --- Support and consulting -----------------------------------------------------------
    Spec(
        "KONS-SF",
        "Konsulttimme systemförvaltning",
        S,
        HOUR,
        "950",
        "system_management",
        "Systemförvaltare eller tekniker som hjälper verksamheten utöver grundavgiften.",
        "Felsökning, rapporter, konfiguration och stöd vid uppgraderingar.",
        "Nyutveckling (se Konsulttimme utveckling).",
        orderable=True,
    ),
    Spec(
        "KONS-UTV",
        "Konsulttimme utveckling",
        S,
        HOUR,
        "1095",
        "digital",
        "Utvecklare eller arkitekt för integrationer, rapporter och anpassningar.",
        "Utveckling, test och dokumentation.",
        "Inköpta konsulttjänster från leverantörer.",
        development=True,
    ),
    Spec(
        "PROJ",
        "Projektledning digitalisering",
        S,
        HOUR,
        "1150",
        "digital",
        "Projektledare från IT-kontoret för införande av nya system och arbetssätt.",
        "Planering, upphandlingsstöd, införande och uppföljning.",
        "Verksamhetens egen tid i projektet.",
        development=True,
    ),
    Spec(
        "ETJ-UTV",
        "E-tjänsteutveckling per timme",
        S,
        HOUR,
        "1050",
        "digital",
        "Utveckling av nya e-tjänster på e-tjänsteplattformen.",
        "Behovsanalys, formulär, integration, test och publicering.",
        "Drift efter publicering (se E-tjänst på e-tjänsteplattformen).",
        ("E-tjänsteplattformen",),
        development=True,
    ),
    Spec(
        "BEHOV",
        "Förstudie digitalisering (engång)",
        S,
        ONCE,
        "24000",
        "digital",
        "En förstudie om två veckor inför ett nytt system eller en ny e-tjänst.",
        "Kartläggning, kravbild, marknadsanalys och rekommendation.",
        "Upphandling och införande.",
        development=True,
    ),
    Spec(
        "SAK",
        "Informationssäkerhetsstöd per timme",
        S,
        HOUR,
        "1100",
        "security",
        "Stöd vid informationsklassning, riskanalys och incidenter.",
        "Informationsklassning enligt KLASSA, risk- och sårbarhetsanalys, incidentstöd.",
        "Juridisk rådgivning om dataskydd.",
    ),
    Spec(
        "INSTALL",
        "Installation på plats (engång)",
        S,
        ONCE,
        "650",
        "servicedesk",
        "En tekniker installerar utrustning på plats.",
        "Upp till en timmes arbete på plats, inklusive resa inom kommunen.",
        "Arbete utöver en timme (debiteras per påbörjad timme).",
        orderable=True,
    ),
    Spec(
        "FLYTT",
        "Flytt av arbetsplats (engång)",
        S,
        ONCE,
        "450",
        "servicedesk",
        "Flytt av dator, bildskärm och telefon till en ny arbetsplats.",
        "Nedmontering, transport inom kommunen och uppkoppling på den nya platsen.",
        "Möbler.",
        orderable=True,
    ),
    Spec(
        "UTB",
        "Utbildning i Microsoft 365 (per deltagare)",
        S,
        ONCE,
        "1450",
        "servicedesk",
        "En halvdags lärarledd utbildning i Teams, OneDrive och delning.",
        "Utbildning, material och tillgång till inspelningar.",
        "Utbildning i verksamhetssystem.",
        orderable=True,
    ),
    Spec(
        "SUPPORT",
        "Utökad support på plats",
        S,
        MONTH,
        "3800",
        "servicedesk",
        "En tekniker på plats en halv dag i veckan.",
        "Fast tid på plats, förebyggande underhåll, stöd till användare.",
        "Akuta ärenden utanför den fasta tiden (se Servicedesk).",
        ("IT-ärendeportalen",),
    ),
)

# Mid-year price changes in 2026: code → (first day of the new price, factor on the old).
PRICE_CHANGES_2026 = {
    "MOB": (datetime.date(2026, 4, 1), Decimal("1.12")),  # new framework contract
    "LAGR": (datetime.date(2026, 7, 1), Decimal("0.80")),  # new storage platform
    "VAXEL": (datetime.date(2026, 10, 15), Decimal("0.90")),  # new operator, mid-month
}
# Services priced only in some years.
PRICE_YEARS = {"ANALOG": (2024, 2025), "COPILOT": (2027, 2027)}

# One row per person: {kind of unit: {service code: rows per person}}.
PER_PERSON = {
    "office": {
        "DST-BAS": 0.55,
        "DST-UTO": 0.33,
        "DST-MAC": 0.03,
        "MOB": 0.85,
        "DOCK": 0.6,
        "M365-E3": 1.0,
    },
    "it": {"DST-UTO": 0.9, "DST-MAC": 0.1, "MOB": 1.0, "DOCK": 1.0, "SURF": 0.2, "M365-E3": 1.0},
    "teacher": {"DST-BAS": 0.9, "SURF": 0.3, "MOB": 0.2, "DOCK": 0.25, "M365-E3": 1.0},
    "preschool": {"DST-BAS": 0.15, "SURF": 0.4, "MOB": 0.2, "M365-F3": 1.0},
    "care": {"DST-BAS": 0.12, "SURF": 0.2, "MOB": 0.6, "M365-F3": 1.0},
    "kitchen": {"DST-BAS": 0.2, "SURF": 0.3, "MOB": 0.1, "M365-F3": 1.0},
    "culture": {"DST-BAS": 0.6, "SURF": 0.1, "MOB": 0.3, "M365-E3": 0.7, "M365-F3": 0.3},
    "politician": {"SURF": 1.0, "M365-F3": 1.0},
    "company": {
        "DST-BAS": 0.45,
        "DST-UTO": 0.15,
        "MOB": 0.7,
        "SURF": 0.15,
        "DOCK": 0.3,
        "M365-E3": 0.6,
        "M365-F3": 0.4,
    },
}
KIND_OF_FAMILY = {
    "it": "it",
    "politics": "politician",
    "company": "company",
    "school": "teacher",
    "upper_secondary": "teacher",
    "preschool": "preschool",
    "home_care": "care",
    "care_home": "care",
    "group_home": "care",
    "kitchen": "kitchen",
    "library": "culture",
    "youth_centre": "culture",
}
WORKPLACE_FAMILIES = (
    "school",
    "upper_secondary",
    "preschool",
    "home_care",
    "care_home",
    "group_home",
    "kitchen",
    "library",
    "youth_centre",
)
# Pupils' computers per member of staff (1:1 from year 4; every upper-secondary pupil).
PUPIL_DEVICES = {"school": 7, "upper_secondary": 10}
CLASS_SET = 30
SCHOOL_YEAR_STARTS = (
    datetime.date(2024, 8, 19),
    datetime.date(2025, 8, 18),
    datetime.date(2026, 8, 17),
)
# Shares of the target rows.
HOUR_SHARE = 0.012
ONCE_SHARE = 0.015
ENDED_SHARE = 0.10
SERIAL_SHARE = 0.02
HOURS = (("KONS-SF", 5), ("KONS-UTV", 3), ("PROJ", 2), ("ETJ-UTV", 2), ("SAK", 1))
ONE_OFFS = (("INSTALL", 6), ("FLYTT", 3), ("UTB", 3), ("BEHOV", 0.4))
SERIAL_PREFIX = {
    "DST-BAS": "PF",
    "DST-UTO": "PF",
    "DST-MAC": "C02",
    "DST-ELEV": "NXK",
    "SURF": "DMP",
    "MOB": "F4H",
    "DOCK": "CN0",
}
HOST_PREFIX = {"VS": "app", "VS-STOR": "db"}
ALNUM = string.ascii_uppercase + string.digits


def _round_price(value):
    """Whole kronor from 100 kr, half kronor from 10 kr, else 5 öre."""
    step = Decimal(1) if value >= 100 else Decimal("0.5") if value >= 10 else Decimal("0.05")
    return ((value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(
        Decimal("0.01")
    )


def _label(text, length):
    return "".join(ch for ch in names.slug(text) if ch.isalnum())[:length]


def _month_end(day):
    nxt = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


class _Builder:
    def __init__(self, ctx):
        self.ctx = ctx
        self.p = ctx.params("catalogue")
        self.rng = ctx.rng
        self.today = timezone.localdate()
        self.yesterday = self.today - datetime.timedelta(days=1)
        self.span = (self.yesterday - LAUNCH).days

    # --- Services and prices ---------------------------------------------------------------

    def services(self):
        ctx = self.ctx
        it = ctx.unit_by_key["it_office"]
        rows = []
        for spec in SERVICES:
            unit = ctx.unit_by_key.get(spec.owner, it)
            people = ctx.people_by_unit.get(unit.pk) or ctx.people_by_unit.get(it.pk) or [None]
            owner = unit.manager if unit.manager_id else people[0]
            rows.append(
                Service(
                    name=spec.name,
                    code=spec.code,
                    category=spec.category,
                    summary=spec.summary,
                    included=spec.included,
                    excluded=spec.excluded,
                    owner=owner,
                    owner_unit=it,
                    billing_unit=spec.billing,
                    cost_kind=CostKind.DEVELOPMENT if spec.development else CostKind.KEEP_RUNNING,
                    orderable=spec.orderable and spec.status == ServiceStatus.ACTIVE,
                    status=spec.status,
                )
            )
        ctx.create(rows)
        systems = getattr(ctx, "system_by_name", {})
        through = Service.systems.through
        links = [
            through(service=service, system=systems[name])
            for service, spec in zip(rows, SERVICES, strict=True)
            for name in spec.systems
            if name in systems
        ]
        through.objects.bulk_create(links, batch_size=2000)
        ctx.created[through] += len(links)
        self.by_code = {spec.code: service for spec, service in zip(SERVICES, rows, strict=True)}
        self.specs = {spec.code: spec for spec in SERVICES}
        ctx.services = rows
        ctx.service_by_code = self.by_code

    def prices(self):
        ctx, rng = self.ctx, self.rng
        last = max(LAST_PRICE_YEAR, self.today.year)
        years = range(FIRST_YEAR, last + 1)
        lists = [
            PriceList(
                year=year,
                note=(
                    "Preliminär prislista, beslutas av kommunstyrelsen i december."
                    if year > self.today.year
                    else f"Prislista {year}, beslutad av kommunstyrelsen i december {year - 1}."
                ),
            )
            for year in years
        ]
        ctx.create(lists)
        by_year = {pl.year: pl for pl in lists}
        rows = []
        for spec in SERVICES:
            amount = Decimal(spec.price)
            first, final = PRICE_YEARS.get(spec.code, (FIRST_YEAR, last))
            for year in years:
                if year > FIRST_YEAR:
                    amount = _round_price(amount * Decimal(str(1 + rng.uniform(*INCREASE))))
                if not first <= year <= final:
                    continue
                start = datetime.date(year, 1, 1)
                change = PRICE_CHANGES_2026.get(spec.code) if year == 2026 else None
                if change:
                    day, factor = change
                    rows.append(
                        Price(
                            price_list=by_year[year],
                            service=self.by_code[spec.code],
                            valid_from=start,
                            valid_to=day - datetime.timedelta(days=1),
                            amount=amount,
                        )
                    )
                    start, amount = day, _round_price(amount * factor)
                rows.append(
                    Price(
                        price_list=by_year[year],
                        service=self.by_code[spec.code],
                        valid_from=start,
                        amount=amount,
                    )
                )
        ctx.create(rows)
        ctx.price_lists = by_year

    def fee_rules(self):
        ctx = self.ctx
        cut = datetime.date(2026, 1, 1)
        rules = [
            ITFeeRule(
                organisation=ctx.municipality,
                basis=FeeBasis.EMPLOYEE,
                annual_amount=Decimal(4800),
                valid_from=LAUNCH,
                valid_to=cut - datetime.timedelta(days=1),
                description="IT-avgift per anställd; täcker det som ännu inte debiteras "
                "som tjänster.",
            ),
            ITFeeRule(
                organisation=ctx.municipality,
                basis=FeeBasis.EMPLOYEE,
                annual_amount=Decimal(2400),
                valid_from=cut,
                description="Sänkt IT-avgift från 2026: datorer, licenser och telefoni "
                "debiteras nu som tjänster.",
            ),
        ]
        for company in ctx.companies:
            rules.append(
                ITFeeRule(
                    organisation=company,
                    basis=FeeBasis.ACCOUNT,
                    annual_amount=Decimal(3600),
                    valid_from=LAUNCH,
                    description="IT-avgift per användarkonto enligt avtal med bolaget.",
                )
            )
        ctx.create(rules)
        ctx.fee_rules = rules

    # --- Subscriptions ---------------------------------------------------------------------

    def prepare_units(self):
        ctx = self.ctx
        self.unit_kind = {}
        children = defaultdict(list)
        for unit in ctx.units:
            if unit.parent_id:
                children[unit.parent_id].append(unit)
        self.subtree = Counter()
        for unit in ctx.units:
            for pk in unit.path.strip("/").split("/"):
                self.subtree[int(pk)] += unit.headcount
        self.family = {}
        for family, units in ctx.units_by_family.items():
            for unit in units:
                self.family[unit.pk] = family
        self.staffed = [unit for unit in ctx.units if unit.headcount > 0]
        for unit in self.staffed:
            self.unit_kind[unit.pk] = KIND_OF_FAMILY.get(self.family.get(unit.pk, ""), "office")
        # Administrations, offices and company roots: the buyers of servers and storage.
        company_roots = [
            u for u in ctx.units if u.parent_id is None and u.organisation_id != ctx.municipality.pk
        ]
        offices = [u for u in ctx.units if u.kind == UnitKind.OFFICE]
        self.buyers = list(ctx.administrations) + offices + company_roots
        self.company_roots = company_roots
        self.owned_systems = defaultdict(list)
        paths = {unit.pk: unit.path for unit in ctx.units}
        for system in getattr(ctx, "systems", ()):
            path = paths.get(system.owning_unit_id, "")
            for buyer in self.buyers:
                if path.startswith(buyer.path):
                    self.owned_systems[buyer.pk].append(system)

    def start_date(self, launch_share=0.55):
        """A start from the launch to yesterday: most at the launch, the rest spread out, a
        third of those on the first of a month."""
        rng = self.rng
        if rng.random() < launch_share:
            return LAUNCH
        day = LAUNCH + datetime.timedelta(days=rng.randint(1, max(1, self.span)))
        if rng.random() < 0.35:
            day = day.replace(day=1)
        return day

    def once_date(self):
        day = LAUNCH + datetime.timedelta(days=self.rng.randint(0, max(0, self.span)))
        return day

    def sub(self, unit, code, quantity, start, *, identifiers="", note="", end=None):
        spec = self.specs[code]
        if start == LAUNCH:
            source, reference = SubscriptionSource.IMPORT, "Inläsning vid införandet 2024"
        elif spec.orderable and self.rng.random() < 0.7:
            source = SubscriptionSource.REQUEST
            reference = f"SR-{start.year}-{self.rng.randint(1, 99999):05d}"
        else:
            source, reference = SubscriptionSource.MANUAL, ""
        return Subscription(
            unit=unit,  # objects, not ids: the audit rows print them
            service=self.by_code[code],
            quantity=Decimal(quantity),
            start=start,
            end=end,
            identifiers=identifiers,
            reference=reference,
            note=note,
            source=source,
        )

    def serial(self, code):
        prefix = SERIAL_PREFIX[code]
        return prefix + "".join(self.rng.choice(ALNUM) for _i in range(10 - len(prefix)))

    def grouped(self):
        """Rows with a quantity per unit, administration or company; then hours and one-offs."""
        rng, rows = self.rng, []
        ctx = self.ctx
        for unit in self.staffed:
            kind, family, h = self.unit_kind[unit.pk], self.family.get(unit.pk, ""), unit.headcount
            office_like = kind in ("office", "it", "culture", "company")
            ext = round(h * (0.5 if office_like else 0.1)) + (0 if office_like else 1)
            if ext and kind != "politician":
                rows.append(self.sub(unit, "VAXEL", ext, self.start_date(0.8)))
            phones = round(h * PER_PERSON[kind].get("MOB", 0))
            if phones:
                rows.append(self.sub(unit, "MOBAB", phones, self.start_date(0.8)))
            if office_like and h >= 4:
                rows.append(self.sub(unit, "VIDEO", max(1, round(h * 0.25)), self.start_date()))
                rows.append(self.sub(unit, "FOLJ", max(1, round(h * 0.9)), self.start_date(0.8)))
            if h >= 3 and kind != "politician":
                rows.append(self.sub(unit, "UTSKR", math.ceil(h / 20), self.start_date(0.8)))
            if family in WORKPLACE_FAMILIES or (kind == "company" and unit.depth == 1):
                rows.append(self.sub(unit, "NAT", 1, self.start_date(0.9)))
            if family in ("library", "youth_centre", "care_home", "school", "upper_secondary"):
                rows.append(self.sub(unit, "GASTNAT", 1, self.start_date(0.7)))
            if family in PUPIL_DEVICES:
                rows += self.pupil_sets(unit, h * PUPIL_DEVICES[family])
            if family in WORKPLACE_FAMILIES and rng.random() < 0.04:
                rows.append(self.sub(unit, "SUPPORT", 1, self.start_date(0.3)))
            if rng.random() < 0.03 and kind != "politician":
                start = LAUNCH
                end = datetime.date(2024, 6, 30) + datetime.timedelta(days=rng.randint(0, 540))
                end = min(end, datetime.date(2025, 12, 31))
                rows.append(self.sub(unit, "ANALOG", rng.randint(1, 4), start, end=end))
            if kind == "office" and rng.random() < 0.06:
                rows.append(self.sub(unit, "ACROBAT", rng.randint(1, 6), self.start_date()))
        for unit in self.buyers:
            rows += self.buyer_rows(unit)
        rows += self.sprinkled(HOURS, round(ctx.scaled(self.p["subscriptions"]) * HOUR_SHARE))
        rows += self.sprinkled(ONE_OFFS, round(ctx.scaled(self.p["subscriptions"]) * ONCE_SHARE))
        return rows

    def pupil_sets(self, unit, devices):
        rng, rows = self.rng, []
        labelled = rng.random() < 0.05
        while devices > 0:
            n = min(CLASS_SET, devices)
            devices -= n
            start = rng.choice((LAUNCH, LAUNCH, *SCHOOL_YEAR_STARTS))
            if start > self.yesterday:
                start = LAUNCH
            end = None
            if start == LAUNCH and rng.random() < 0.2:
                end = datetime.date(2025, 6, 30)  # handed in after three years
            identifiers = ""
            if labelled:
                identifiers = "\n".join(self.serial("DST-ELEV") for _i in range(n))
            rows.append(
                self.sub(
                    unit,
                    "DST-ELEV",
                    n,
                    start,
                    identifiers=identifiers,
                    end=end,
                    note="Klassuppsättning med laddvagn",
                )
            )
        return rows

    def buyer_rows(self, unit):
        rng, rows = self.rng, []
        h = self.subtree[unit.pk]
        if h <= 0:
            return rows
        gb = max(100, round(h * rng.uniform(15, 40) / 50) * 50)
        rows.append(self.sub(unit, "LAGR", gb, LAUNCH))
        if rng.random() < 0.8:
            rows.append(self.sub(unit, "BACKUP", gb, LAUNCH))
        for _i in range(rng.randint(0, 2)):
            more = rng.choice((250, 500, 1000, 2000))
            rows.append(self.sub(unit, "LAGR", more, self.start_date(0), note="Utökning"))
        if unit.kind == UnitKind.OFFICE and h < 40:
            return rows  # small offices keep to storage
        servers = min(14, 1 + h // 350 + rng.randint(0, 2))
        abbreviation = _label(unit.name, 3)
        for i in range(servers):
            code = "VS-STOR" if rng.random() < 0.2 else "VS"
            host = f"{self.domain_prefix}-{abbreviation}-{HOST_PREFIX[code]}{i + 1:02d}"
            rows.append(self.sub(unit, code, 1, self.start_date(0.6), identifiers=host))
        rows.append(self.sub(unit, "M365-BACKUP", h, LAUNCH))
        rows.append(self.sub(unit, "SYSF", 1, LAUNCH))
        systems = self.owned_systems.get(unit.pk, [])
        for system in rng.sample(systems, min(len(systems), rng.randint(1, 5))):
            rows.append(
                self.sub(unit, "DB", 1, self.start_date(0.7), note=f"Databas för {system.name}")
            )
        rows.append(self.sub(unit, "INTEGR", rng.randint(2, 8) + h // 400, LAUNCH))
        if unit.organisation_id == self.ctx.municipality.pk:
            rows.append(self.sub(unit, "ETJ", rng.randint(1, 6) + h // 800, self.start_date(0.6)))
        rows.append(self.sub(unit, "KONF", rng.randint(1, 3) + h // 600, self.start_date(0.6)))
        rows.append(self.sub(unit, "MFP", rng.randint(1, 3), self.start_date(0.8)))
        if rng.random() < 0.25:
            rows.append(self.sub(unit, "HOST", rng.randint(1, 3), LAUNCH))
        if rng.random() < 0.3:
            rows.append(self.sub(unit, "WEBB", rng.randint(1, 2), self.start_date(0.4)))
        if rng.random() < 0.3:
            rows.append(self.sub(unit, "CAD", rng.randint(2, 12), self.start_date(0.7)))
        return rows

    def sprinkled(self, choices, count):
        """Hours and one-offs on random days, for random staffed units (bigger ones more)."""
        rng = self.rng
        codes, weights = zip(*choices, strict=True)
        units = [u for u in self.staffed if self.unit_kind[u.pk] != "politician"]
        unit_weights = [math.sqrt(u.headcount) for u in units]
        rows = []
        for _i in range(count):
            code = rng.choices(codes, weights=weights)[0]
            unit = rng.choices(units, weights=unit_weights)[0]
            day = self.once_date()
            billing = self.specs[code].billing
            if billing == HOUR:
                quantity = Decimal(rng.choice((1, 2, 2, 4, 4, 6, 8, 12, 16, 24, 40))) + (
                    Decimal("0.5") if rng.random() < 0.2 else 0
                )
            elif code == "BEHOV":
                quantity = 1
            elif code == "UTB":
                quantity = rng.randint(2, 15)
            else:
                quantity = rng.randint(1, 4)
            rows.append(self.sub(unit, code, quantity, day, end=day))
        return rows

    def per_person(self, count):
        """`count` rows of quantity 1, spread over units and services by the PER_PERSON rates."""
        rng = self.rng
        wants = []
        for unit in self.staffed:
            for code, rate in PER_PERSON[self.unit_kind[unit.pk]].items():
                wants.append((unit, code, unit.headcount * rate))
        natural = sum(w for _u, _c, w in wants) or 1
        factor = count / natural
        self.ctx.per_person_factor = factor
        rows, cumulative, made = [], 0.0, 0
        for unit, code, want in wants:
            cumulative += want * factor
            n = round(cumulative) - made
            made += n
            for _i in range(n):
                identifiers = ""
                if code in SERIAL_PREFIX and rng.random() < SERIAL_SHARE:
                    identifiers = self.serial(code)
                rows.append(self.sub(unit, code, 1, self.start_date(), identifiers=identifiers))
        return rows

    def end_some(self, rows):
        """End about ENDED_SHARE of all rows (counting those already ended), many mid-month."""
        rng = self.rng
        ended = sum(1 for row in rows if row.end is not None)
        wanted = max(0, round(len(rows) * ENDED_SHARE) - ended)
        open_rows = [
            i
            for i, row in enumerate(rows)
            if row.end is None and (self.yesterday - row.start).days > 30
        ]
        for i in rng.sample(open_rows, min(wanted, len(open_rows))):
            row = rows[i]
            end = row.start + datetime.timedelta(
                days=rng.randint(20, (self.yesterday - row.start).days)
            )
            if rng.random() < 0.5:
                end = min(_month_end(end), self.yesterday)
            row.end = end

    def account_names(self, rows):
        """The IT office's own licences list the accounts behind them."""
        ctx = self.ctx
        it_units = {u.pk for u in ctx.units_by_family.get("it", ())}
        people = {pk: list(ctx.people_by_unit.get(pk, ())) for pk in it_units}
        e3 = self.by_code["M365-E3"].pk
        for row in rows:
            if row.unit_id in it_units and row.service_id == e3 and people[row.unit_id]:
                person = people[row.unit_id].pop()
                row.identifiers = person.email.split("@")[0]

    def subscriptions(self):
        ctx = self.ctx
        target = ctx.scaled(self.p["subscriptions"])
        domain = ctx.municipality.name.split()[0]
        self.domain_prefix = _label(domain, 3) or "srv"
        self.prepare_units()
        grouped = self.grouped()
        rows = grouped + self.per_person(max(0, target - len(grouped)))
        self.account_names(rows)
        self.end_some(rows)
        ctx.create(rows)
        ctx.subscription_count = len(rows)

    def run(self):
        self.services()
        self.prices()
        self.fee_rules()
        self.subscriptions()


def build(ctx):
    """The catalogue step: services, price lists with prices, IT fee rules, subscriptions."""
    _Builder(ctx).run()
