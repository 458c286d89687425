"""What the service desk's demo says, in Swedish: orders, replies, questions and answers,
notes, problems, change titles, knowledge base articles and incoming e-mail."""

from dataclasses import dataclass

from itportal.servicedesk.models import ChangeKind
from itportal.servicedesk.models_kb import Audience

# Orders from the catalogue: (code, weight, (least, most), titles).
ORDERS = (
    ("DST-BAS", 8, (1, 2), ("Dator till nyanställd", "Byte av dator efter fyra år")),
    ("DST-UTO", 2, (1, 1), ("Kraftfullare dator för GIS", "Dator för bildbehandling")),
    ("DST-MAC", 1, (1, 1), ("Mac till kommunikatör",)),
    ("SURF", 2, (1, 4), ("Surfplattor till arbetslaget",)),
    ("MOB", 5, (1, 3), ("Ny mobiltelefon", "Mobiltelefon till nyanställd")),
    ("DOCK", 4, (1, 3), ("Skärm och dockningsstation", "Arbetsplats till nytt kontorsrum")),
    ("KONF", 0.4, (1, 1), ("Utrustning till nytt mötesrum",)),
    ("UTSKR", 0.8, (1, 1), ("Skrivare till nya lokaler",)),
    ("MFP", 0.3, (1, 1), ("Stor kopiator till expeditionen",)),
    ("VAXEL", 2, (1, 3), ("Anknytning till nyanställd",)),
    ("MOBAB", 3, (1, 3), ("Mobilabonnemang",)),
    ("VIDEO", 1, (1, 5), ("Licens för säkra videomöten",)),
    ("M365-E3", 3, (1, 5), ("Licens för Office 365 E3",)),
    ("M365-F3", 2, (1, 10), ("Licenser för Office 365 F3 till timvikarier",)),
    ("ACROBAT", 1, (1, 2), ("Adobe Acrobat Pro",)),
    ("CAD", 0.3, (1, 2), ("Licens för ritprogram",)),
    ("KONS-SF", 0.5, (4, 40), ("Konsulttimmar för systemförvaltning",)),
    ("INSTALL", 1, (1, 1), ("Installation på plats",)),
    ("FLYTT", 1.5, (1, 6), ("Flytt av arbetsplatser",)),
    ("UTB", 0.7, (2, 12), ("Utbildning i Microsoft 365",)),
)
# Who delivers an order (the rest: Klient och arbetsplats).
ORDER_GROUPS = {
    "VAXEL": "telephony",
    "MOBAB": "telephony",
    "M365-E3": "access",
    "M365-F3": "access",
    "ACROBAT": "access",
    "CAD": "access",
    "KONS-SF": "systems",
    "UTB": "first_line",
}
ORDER_DESCRIPTIONS = (
    "Beställningen gäller vår enhet; kostnadsstället är enhetens.",
    "Behövs till en ny medarbetare som börjar om två veckor.",
    "Ersätter utrustning som är utdaterad.",
)
ORDER_SOLUTIONS = (
    "Beställningen är levererad och installerad.",
    "Utrustningen är levererad till er reception.",
    "Levererat; abonnemanget debiteras från leveransmånaden.",
)

FIRST_REPLIES = (
    "Hej {first}! Tack för ditt ärende. Vi har tagit det och återkommer så snart vi vet mer.",
    "Hej {first}, vi tittar på det här nu.",
    "Hej! Jag har tagit ditt ärende och börjar felsöka.",
    "Hej {first}, tack för att du hörde av dig. Vi har skickat ärendet vidare till rätt grupp.",
)
ORDER_REPLIES = (
    "Hej {first}! Tack för din beställning. Den väntar på godkännande av enhetens "
    "IT-samordnare eller chef.",
)
QUESTIONS = (
    "Kan du skicka en skärmbild av felmeddelandet?",
    "Vilket datornamn står på etiketten under datorn?",
    "När passar det att vi fjärransluter till din dator?",
    "Gäller det fler på din enhet eller bara dig?",
    "Har du provat att starta om sedan felet uppstod?",
    "Vilken adress ska leveransen gå till?",
)
ANSWERS = (
    "Hej, här kommer skärmbilden. Det står 'Åtkomst nekad'.",
    "Det passar bra i eftermiddag efter klockan 13.",
    "Det gäller hela arbetslaget, vi är sex personer.",
    "Ja, jag har startat om men felet finns kvar.",
    "Leveransen kan gå till receptionen, plan 2.",
    "Tack, nu fungerar det!",
)
SILENT_CLOSE = (
    "Vi har inte fått något svar och löser därför ärendet. Svara på det här meddelandet om du "
    "fortfarande behöver hjälp."
)
DELIVERY_REPLY = "Beställt hos leverantören; leveransen brukar ta en till två veckor."
VENDOR_NOTES = (
    "Ärende registrerat hos leverantören, deras referens {ref}.",
    "Väntar på reservdel från leverantören (ref {ref}).",
    "Eskalerat till leverantörens andra linje, ref {ref}.",
)
NOTES = {
    "first_line": (
        "Ringde användaren, inget svar. Provar igen i eftermiddag.",
        "Kontrollerat i katalogtjänsten: kontot är aktivt.",
    ),
    "client": (
        "Fjärranslöt och kontrollerade loggarna; hårdvarufel troligt.",
        "Datorn har inte fått uppdateringar på tre veckor.",
    ),
    "network": (
        "Accesspunkten svarar inte på ping.",
        "Kontrollerat switchen: porten flappar.",
    ),
    "servers": ("Diskutrymmet på filservern är 94 % fullt.", "Kontrollerat säkerhetskopian."),
    "systems": (
        "Kan återskapa felet i testmiljön.",
        "Felet finns i leverantörens lista över kända fel.",
    ),
    "telephony": ("Kontrollerat vidarekopplingen i växeln.",),
    "access": ("Chefens godkännande finns i ärendet.", "Rollen kräver systemägarens beslut."),
    "security": ("Avsändardomänen är anmäld till CERT-SE.", "Inga fler mottagare har klickat."),
}
REOPEN_TEXTS = ("Felet är tillbaka sedan i morse.", "Det fungerar fortfarande inte.")
RESOLUTION_PREFIX = "Löst: "
PROBLEM_SOLVED = "Rotorsaken är åtgärdad. {root_cause}"
KNOWN_ERROR_SOLUTION = "Känt fel ({number}). Tillfällig lösning: {workaround}"
REFERENCE_PREFIX = "LEV-"


@dataclass(frozen=True)
class ProblemTemplate:
    incident: str  # the incident template whose incidents it explains
    title: str
    description: str
    root_cause: str
    workaround: str
    group: str


PROBLEM_TEMPLATES = (
    ProblemTemplate(
        "wifi",
        "Återkommande avbrott i det trådlösa nätet",
        "Flera verksamheter anmäler att det trådlösa nätet bryts mitt på dagen.",
        "En felaktig programvaruversion i accesspunkterna startar om dem vid hög belastning.",
        "Anslut med kabel eller till gästnätet tills accesspunkten har uppdaterats.",
        "network",
    ),
    ProblemTemplate(
        "outlook",
        "Outlook tappar synkroniseringen efter uppdatering",
        "Efter månadens uppdatering slutar Outlook synka för en del användare.",
        "Uppdateringen skadar den lokala cachefilen när datorn går i viloläge.",
        "Starta Outlook i felsäkert läge och bygg om profilen via portalens instruktion.",
        "client",
    ),
    ProblemTemplate(
        "printer",
        "Skrivare tappar utskriftskön efter nattlig omstart",
        "Skrivare står som offline på morgonen på flera arbetsplatser.",
        "Skrivarna får ny adress efter omstart men utskriftsservern minns den gamla.",
        "Starta om skrivaren en gång till; den registrerar sig då på nytt.",
        "client",
    ),
    ProblemTemplate(
        "app_login",
        "Inloggningen i {system} misslyckas efter certifikatbyte",
        "Sedan certifikatbytet får användare åtkomst nekad i {system}.",
        "Det nya certifikatet saknade den mellanliggande certifikatkedjan.",
        "Logga in via webbläsarens privata läge tills kedjan är installerad.",
        "systems",
    ),
    ProblemTemplate(
        "app_slow",
        "Långa svarstider i {system}",
        "{system} blir mycket långsamt mellan 08 och 10.",
        "Ett nattligt index byggs om och körningen drar ut på morgonen.",
        "Undvik stora sökningar före klockan tio.",
        "systems",
    ),
    ProblemTemplate(
        "app_error",
        "Fel vid sparande i {system}",
        "Ändringar försvinner vid sparande i vissa formulär i {system}.",
        "Ett fel i leverantörens senaste version hanterar inte långa fält.",
        "Spara i två steg: först utan anteckningsfältet, sedan med.",
        "systems",
    ),
    ProblemTemplate(
        "computer",
        "Datorer startar om under uppdatering",
        "Datorer av en viss modell fastnar i en omstartsslinga efter uppdatering.",
        "En drivrutin för dockningsstationen är inkompatibel med uppdateringen.",
        "Koppla ur dockningen före omstart; uppdateringen går då igenom.",
        "client",
    ),
    ProblemTemplate(
        "teams",
        "Ljudproblem i Teams med vissa headset",
        "Användare med en viss headsetmodell hör inget i möten.",
        "Headsetets fasta programvara krockar med den nya ljuddrivrutinen.",
        "Välj headsetet manuellt som ljudenhet i Teams inställningar.",
        "client",
    ),
    ProblemTemplate(
        "vpn",
        "VPN-klienten tappar anslutningen",
        "Fjärranslutna användare tappar anslutningen var tjugonde minut.",
        "Tidsgränsen i brandväggen var felaktigt satt efter uppgraderingen.",
        "Anslut på nytt; arbete i webbläsaren påverkas inte.",
        "network",
    ),
    ProblemTemplate(
        "mfa",
        "Registrering av inloggningsappen misslyckas på nya telefoner",
        "Användare med nya telefoner kan inte registrera inloggningsappen.",
        "Villkorsstyrd åtkomst blockerade telefoner som ännu inte var registrerade i MDM.",
        "Registrera telefonen i mobilhanteringen först, sedan inloggningsappen.",
        "first_line",
    ),
    ProblemTemplate(
        "phone",
        "Samtal till svarsgrupper kopplas bort",
        "Inkommande samtal till flera svarsgrupper bryts efter första signalen.",
        "En regel i växeln prioriterade röstbrevlådan före svarsgruppen.",
        "Ring direktnumret till en handläggare i gruppen.",
        "telephony",
    ),
)

CHANGE_TITLES = {
    ChangeKind.STANDARD: (
        "Månatlig patchning av servrar, {month}",
        "Uppdatering av klientplattformen, {month}",
        "Byte av certifikat för {system}",
    ),
    ChangeKind.NORMAL: (
        "Uppgradering av {system} till ny version",
        "Flytt av {system} till ny databasserver",
        "Ny integration mellan {system} och {other}",
        "Byte av brandväggsregler för {system}",
        "Utökad lagring och minne för {system}",
    ),
    ChangeKind.EMERGENCY: (
        "Akut säkerhetsuppdatering av {system}",
        "Akut återställning av {system} efter driftstörning",
    ),
}
BACKOUT = "Återställ från ögonblicksbilden som tas före ändringen; beräknad tid 30 minuter."
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
HUB_CHANGE = "Uppgradering av integrationsplattformen och de mest anslutna systemen"

ARTICLES = (
    # (title, audience, services, systems, body)
    (
        "Återställ ditt lösenord",
        Audience.EMPLOYEES,
        (),
        ("Katalogtjänst",),
        "Gå till portalens inloggningssida och välj Glömt lösenord. Du får en kod via sms "
        "till mobilnumret i personalregistret.",
    ),
    (
        "Registrera inloggningsappen på en ny telefon",
        Audience.EMPLOYEES,
        ("MOB",),
        ("Katalogtjänst", "Mobilhantering (MDM)"),
        "Registrera först telefonen i mobilhanteringen, installera sedan inloggningsappen och "
        "skanna QR-koden på sidan Min säkerhetsinformation.",
    ),
    (
        "Dela skärmen och bjuda in externa i Teams",
        Audience.EMPLOYEES,
        ("VIDEO",),
        ("Samarbetsrummet",),
        "Välj Dela i mötets verktygsfält. Externa deltagare bjuds in med sin e-postadress och "
        "släpps in från väntrummet.",
    ),
    (
        "Lägg in ett frånvaromeddelande",
        Audience.EMPLOYEES,
        ("M365-E3",),
        ("E-post och kalender",),
        "I Outlook: Arkiv > Automatiska svar. Ange datum och en text för interna och externa "
        "avsändare.",
    ),
    (
        "Skriv ut med passerkortet (Följ mig-utskrift)",
        Audience.EMPLOYEES,
        ("FOLJ", "UTSKR"),
        ("Utskriftstjänsten",),
        "Skriv ut till Följ mig. Håll passerkortet mot läsaren på valfri skrivare och välj "
        "dokumenten. Första gången kopplar du kortet med din PIN-kod.",
    ),
    (
        "Anslut till VPN hemifrån",
        Audience.EMPLOYEES,
        (),
        ("Brandvägg och fjärråtkomst",),
        "Starta VPN-klienten och logga in med tvåstegsverifiering. Byt inte nätverk medan du "
        "är ansluten.",
    ),
    (
        "Beställ en dator eller mobiltelefon",
        Audience.EMPLOYEES,
        ("DST-BAS", "MOB", "DOCK"),
        (),
        "Beställ under Beställ i portalen. Din IT-samordnare eller chef godkänner och "
        "leveransen tar normalt en till två veckor.",
    ),
    (
        "Gästnätet för besökare",
        Audience.EMPLOYEES,
        ("GASTNAT",),
        ("Nätverk (LAN och WLAN)",),
        "Besökare ansluter till nätet Gäst och godkänner villkoren. Koden byts varje månad.",
    ),
    (
        "Så känner du igen nätfiske",
        Audience.EMPLOYEES,
        (),
        ("E-post och kalender", "Antivirus och endpointskydd"),
        "Kontrollera avsändaradressen, var misstänksam mot brådska och länkar till "
        "inloggningssidor. Rapportera mejlet med knappen Rapportera.",
    ),
    (
        "Elevdatorer efter lov",
        Audience.EMPLOYEES,
        ("DST-ELEV",),
        ("Skolwebben",),
        "Låt datorerna stå i laddvagnen över natten med nätverk anslutet så att uppdateringarna "
        "hinner installeras.",
    ),
    (
        "Rutin: låst konto i katalogtjänsten",
        Audience.IT,
        (),
        ("Katalogtjänst",),
        "Kontrollera identiteten med personnummer och chefens namn. Lås upp i "
        "administrationsverktyget och skicka engångslösenord via sms.",
    ),
    (
        "Rutin: ominstallation av dator",
        Audience.IT,
        ("DST-BAS", "DST-UTO"),
        ("Klientplattform",),
        "Säkerhetskopiera användarens skrivbord, återställ datorn via mobilhanteringen och "
        "kontrollera krypteringen efteråt.",
    ),
    (
        "Kända fel vid lönekörningen",
        Audience.IT,
        (),
        ("Lönesystemet", "HR-systemet"),
        "Under lönekörningen kring den 25:e är integrationen mot ekonomisystemet låst. Ärenden "
        "om saknade transaktioner väntar till körningen är klar.",
    ),
    (
        "Felsökning av trådlöst nät",
        Audience.IT,
        ("NAT", "GASTNAT"),
        ("Nätverk (LAN och WLAN)",),
        "Kontrollera accesspunktens status i nätverksövervakningen, starta om via switchporten "
        "och byt enheten om den inte svarar.",
    ),
)

OUTSIDE_SENDERS = ("faktura@molnleverantoren.example", "info@saljbolaget.example")
INTAKE = (
    # (outcome, sender kind, subject, text, error)
    ("ticket", "person", "Skrivaren på plan 3 fungerar inte", "Den skriver inte ut.", ""),
    ("ticket", "person", "Kan inte logga in", "Kontot verkar vara låst.", ""),
    ("ticket", "person", "Ny skärm", "Kan jag få en större skärm?", ""),
    ("ticket", "person", "Outlook kraschar", "Outlook stängs när jag öppnar kalendern.", ""),
    ("reply", "person", "SV: [{number}] {title}", "Tack, nu fungerar det.", ""),
    ("reply", "person", "SV: [{number}] {title}", "Här kommer skärmbilden.", ""),
    ("ignored", "person", "Autosvar: Frånvarande", "Jag är tillbaka måndag.", ""),
    ("failed", "outside", "Faktura 4471", "Se bifogad faktura.", "outside"),
    ("failed", "person", "SV: [INC-2024-999999] Dator", "Fortfarande fel.", "unknown_ticket"),
    ("failed", "outside", "Fråga om er tjänst", "Hej, vi säljer molntjänster.", "outside"),
)
