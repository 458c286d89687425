"""The kinds of ticket (Template), and the templates of the requests that are not orders and of
the questions. The incidents' are in incidents.py; planning.py makes the orders' of
texts.ORDERS."""

from dataclasses import dataclass

from itportal.servicedesk.choices import Kind


@dataclass(frozen=True)
class Template:
    """A kind of ticket: titles (with {system} or {service}), the group that handles it, the
    service and system it is about ("@used": a system the requester's unit uses), what is
    said, and how it tends to go."""

    key: str
    kind: str
    weight: float
    group: str
    titles: tuple
    descriptions: tuple
    solutions: tuple
    service: str = ""
    system: str = ""
    fcr: float = 0.1  # solved at the first contact
    urgency: tuple = (0.25, 0.45, 0.3)  # high, medium, low
    impact: tuple = (0.02, 0.1, 0.88)
    waits: float = 0.45  # asks the requester something
    third_party: float = 0.05
    device: str = ""  # prefix of the serial number of the device, when one is named
    season: tuple = ()  # ((month, factor), …)


INC, REQ, QST = Kind.INCIDENT, Kind.REQUEST, Kind.QUESTION
ONE = (0.0, 0.0, 1.0)  # impact: one person
USED = "@used"

# Requests not from the catalogue.
REQUEST_TEMPLATES = (
    Template(
        "access",
        REQ,
        8,
        "access",
        ("Behörighet till {system}", "Ny roll i {system}"),
        (
            "Jag behöver kunna registrera i systemet från och med nästa vecka.",
            "Min chef har godkänt att jag ska ha samma behörighet som min kollega.",
        ),
        ("Behörigheten är tilldelad; logga ut och in igen.",),
        system=USED,
        urgency=(0.05, 0.35, 0.6),
        impact=ONE,
        season=((8, 1.5), (1, 1.3)),
    ),
    Template(
        "new_account",
        REQ,
        5,
        "access",
        ("Konto för nyanställd", "Nytt konto och e-post för vikarie"),
        ("Vi får en ny medarbetare som börjar måndag.", "En vikarie börjar hos oss nästa vecka."),
        ("Kontot är skapat; inloggningsuppgifterna är skickade till chefen.",),
        system="Katalogtjänst",
        urgency=(0.1, 0.5, 0.4),
        impact=ONE,
        waits=0.3,
        season=((8, 1.8), (1, 1.4), (6, 1.3), (7, 0.6)),
    ),
    Template(
        "end_account",
        REQ,
        3,
        "access",
        ("Avsluta konto – medarbetare slutar",),
        ("Medarbetaren slutar sista denna månad; e-posten ska vidarebefordras till mig.",),
        ("Kontot avslutas på slutdagen och e-posten vidarebefordras i 30 dagar.",),
        system="Katalogtjänst",
        urgency=(0.0, 0.3, 0.7),
        impact=ONE,
        season=((6, 1.8), (12, 1.3)),
    ),
    Template(
        "shared_mailbox",
        REQ,
        2,
        "client",
        ("Ny funktionsbrevlåda", "Åtkomst till funktionsbrevlåda"),
        ("Vi behöver en gemensam brevlåda för enhetens bokningar.",),
        ("Funktionsbrevlådan är skapad och syns i Outlook inom en timme.",),
        system="E-post och kalender",
        urgency=(0.0, 0.3, 0.7),
        impact=ONE,
    ),
    Template(
        "install",
        REQ,
        4,
        "client",
        ("Installera program på datorn", "Uppdatera program på datorn"),
        (
            "Jag behöver ett program för att läsa ritningar.",
            "Programmet säger att det är för gammalt.",
        ),
        ("Programmet är installerat via programkatalogen.",),
        system="Klientplattform",
        fcr=0.2,
        urgency=(0.0, 0.4, 0.6),
        impact=ONE,
        device="PC",
    ),
    Template(
        "folder_access",
        REQ,
        3,
        "access",
        ("Behörighet till gemensam mapp",),
        ("Jag behöver läs- och skrivrätt i projektmappen.",),
        ("Du är tillagd i mappens behörighetsgrupp.",),
        service="LAGR",
        urgency=(0.0, 0.4, 0.6),
        impact=ONE,
    ),
)

QUESTION_TEMPLATES = (
    Template(
        "howto_share",
        QST,
        3,
        "first_line",
        ("Hur delar jag skärmen i Teams?", "Hur bjuder jag in externa till ett möte?"),
        ("Jag ska hålla en presentation i morgon.",),
        ("Se artikeln om möten i kunskapsbasen; vi gick igenom det i telefon.",),
        service="VIDEO",
        fcr=0.7,
        urgency=(0.0, 0.4, 0.6),
        impact=ONE,
        waits=0.1,
    ),
    Template(
        "howto_mail",
        QST,
        3,
        "first_line",
        ("Hur lägger jag in ett frånvaromeddelande?", "Hur delar jag min kalender?"),
        ("Jag går på semester och vill att mejlen besvaras automatiskt.",),
        ("Instruktionen finns i kunskapsbasen; du hittar den under Arkiv > Automatiska svar.",),
        system="E-post och kalender",
        fcr=0.75,
        urgency=(0.0, 0.3, 0.7),
        impact=ONE,
        waits=0.05,
        season=((6, 3.0), (7, 1.5), (12, 1.8)),
    ),
    Template(
        "howto_order",
        QST,
        2,
        "first_line",
        ("Hur beställer jag en ny mobiltelefon?", "Vem godkänner min beställning?"),
        ("Min telefon är fyra år gammal.",),
        ("Du beställer i portalen under Beställ; din IT-samordnare godkänner.",),
        service="MOB",
        fcr=0.7,
        urgency=(0.0, 0.2, 0.8),
        impact=ONE,
    ),
    Template(
        "howto_invoice",
        QST,
        1,
        "first_line",
        ("Fråga om IT-debiteringen", "Varför debiteras vi för en dator vi lämnat tillbaka?"),
        ("På månadens debitering står fler datorer än vi har.",),
        ("Debiteringen är kontrollerad mot abonnemangen; en dator krediteras nästa månad.",),
        fcr=0.3,
        urgency=(0.0, 0.2, 0.8),
        impact=ONE,
        waits=0.3,
    ),
    Template(
        "howto_print",
        QST,
        2,
        "first_line",
        ("Hur skriver jag ut dubbelsidigt?", "Hur skannar jag till e-post?"),
        ("Jag hittar inte inställningen.",),
        ("Vi har visat inställningen; den finns även beskriven i kunskapsbasen.",),
        service="FOLJ",
        fcr=0.8,
        urgency=(0.0, 0.2, 0.8),
        impact=ONE,
    ),
    Template(
        "howto_wifi",
        QST,
        1,
        "first_line",
        ("Vilket wifi ska besökare använda?",),
        ("Vi har studiebesök nästa vecka.",),
        ("Besökare använder gästnätet; koden står på anslagstavlan i entrén.",),
        service="GASTNAT",
        fcr=0.85,
        urgency=(0.0, 0.2, 0.8),
        impact=ONE,
    ),
)
