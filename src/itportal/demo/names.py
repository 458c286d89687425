"""Name material for the demo data: common Swedish first names and surnames, combined at random.

Only common names are listed, so a combination names nobody in particular; the few pairs that
would name a well-known person are refused by `is_blocked`.
"""

import unicodedata


def _words(text):
    return tuple(text.split())


FEMALE_FIRST_NAMES = _words(
    """
    Agnes Alice Alva Amanda Anna Annika Astrid Beatrice Birgitta Camilla Caroline Cecilia
    Charlotte Christina Ebba Elin Elina Elisabeth Ella Ellen Elsa Emelie Emma Erika Eva Fatima
    Frida Gunilla Hanna Helena Ida Ingrid Irene Jenny Jessica Johanna Josefin Julia Karin
    Katarina Kerstin Klara Kristina Lena Lina Linda Linnea Lisa Louise Madeleine Maja Malin
    Margareta Maria Marie Matilda Moa Monica Nora Olivia Petra Rebecka Sara Selma Sofia Sofie
    Susanne Therese Tove Ulla Ulrika Vera Viktoria Wilma Yvonne Åsa
"""
)

MALE_FIRST_NAMES = _words(
    """
    Adam Ahmed Albin Alexander Ali Anders Andreas Anton Arvid Axel Bengt Björn Carl Christer
    Christian Daniel David Elias Emil Erik Filip Fredrik Gustav Hampus Hans Henrik Hugo Isak
    Jakob Jan Joakim Johan Johannes Jonas Jonathan Karl Kent Kristoffer Lars Leif Lennart Linus
    Lucas Magnus Marcus Martin Mats Mattias Mikael Mohammed Niklas Nils Olle Oliver Oscar Patrik
    Per Peter Rasmus Robert Robin Sebastian Simon Stefan Sven Thomas Tobias Tommy Ulf Viktor
    William Åke Örjan
"""
)

SURNAMES = _words(
    """
    Abrahamsson Ahmed Ali Andersson Andreasson Arvidsson Axelsson Backlund Bengtsson Berg
    Berggren Berglund Bergman Bergqvist Bergström Björk Björklund Blom Blomqvist Boström
    Claesson Dahl Dahlberg Danielsson Ek Eklund Ekström Eliasson Engström Eriksson Falk Forsberg
    Fransson Fredriksson Granlund Gunnarsson Gustafsson Hansson Hedlund Hellström Henriksson
    Hermansson Holm Holmberg Holmgren Holmqvist Hussein Håkansson Isaksson Jakobsson Jansson
    Johansson Jonsson Jönsson Karlsson Lind Lindberg Lindgren Lindholm Lindqvist Lindström Lund
    Lundberg Lundgren Lundin Lundqvist Lundström Löfgren Magnusson Marklund Martinsson Mattsson
    Mohamed Månsson Nilsson Nordin Nordström Nyberg Nyström Olofsson Olsson Persson Pettersson
    Rask Samuelsson Sandberg Sandström Sjöberg Sjögren Strand Ström Strömberg Sundberg Sundqvist
    Svensson Söderberg Viklund Wallin Wikström Åberg Åkesson Öberg Öhman
"""
)

# Pairs that would name a well-known person; never generated.
BLOCKED = frozenset(
    {
        ("Magdalena", "Andersson"),
        ("Göran", "Persson"),
        ("Henrik", "Larsson"),
        ("Björn", "Borg"),
        ("Peter", "Forsberg"),
        ("Mats", "Sundin"),
        ("Anna", "Lindh"),
        ("Ingvar", "Carlsson"),
        ("Carl", "Bildt"),
        ("Ulf", "Lundell"),
        ("Per", "Gessle"),
        ("Lars", "Lagerbäck"),
    }
)

# Fictional place-name parts, for schools, preschools, homes and areas ("Björkdal", "Granvik").
PLACE_PREFIXES = _words(
    """
    Björk Gran Tall Sjö Berg Ås Strand Lund Hag Älv Ek Lind Ängs Myr Skog Hed Näs Holm Asp
    Rönn Sol Sand Kvarn Hamn Bäck Fors Hall Kyrk Lill Stor Norr Sunn Vall Sten Fur
"""
)
PLACE_SUFFIXES = _words(
    """
    by vik dal berg lund ås hed näs backa torp udden ängen hagen viken holmen vallen
"""
)

# Nature words for preschools ("Förskolan Blåklinten").
PRESCHOOL_WORDS = _words(
    """
    Blåklinten Solrosen Ekorren Myran Tallkotten Regnbågen Vitsippan Lärkan Humlan Nyckelpigan
    Smultronet Linden Blåbäret Ugglan Igelkotten Snäckan Stjärnan Månen Kotten Lingonet
    Hjortronet Tussilagon Gläntan Bäcken Fjärilen Näckrosen Videkissen Skogsgläntan Göken
    Trasten Ripan Kantarellen Mossan Vildrosen Prästkragen Lönnen Rönnbäret
"""
)

VENDOR_PREFIXES = _words(
    """
    Norr Söder Väst Öster Fjäll Älv Kust Sjö Skog Berg Dal Mitt Polar Nord Ljus Kvarts Granit
    Myr Tall Björk Is Vind Stjärn Norrsken Hav Fors Klipp Ek Sten Lo
"""
)
VENDOR_SUFFIXES = _words(
    """
    data soft systemen teknik konsult nät logik kod moln säkerhet digital informatik support
    drift IT
"""
)
VENDOR_FOREIGN = (
    ("Cloudberry Systems Inc.", "US"),
    ("Emerald Software Ltd", "IE"),
    ("Harbourline Analytics Ltd", "IE"),
    ("Nordlicht Informatik GmbH", "DE"),
    ("Fjordsoft AS", "NO"),
    ("Tietoruutu Oy", "FI"),
    ("Polder Data B.V.", "NL"),
    ("Redwood Identity Inc.", "US"),
    ("Bluepeak Learning Inc.", "US"),
    ("Skagerrak Cloud ApS", "DK"),
    ("Lakeside Records Ltd", "GB"),
    ("Granite Bay Software Inc.", "US"),
)

_ASCII = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "ü": "u", "æ": "ae", "ø": "o"})


def is_blocked(first_name, last_name):
    return (first_name, last_name) in BLOCKED


def person_name(rng):
    """(first name, surname) drawn from `rng`."""
    while True:
        pool = FEMALE_FIRST_NAMES if rng.random() < 0.5 else MALE_FIRST_NAMES
        first, last = rng.choice(pool), rng.choice(SURNAMES)
        if not is_blocked(first, last):
            return first, last


def slug(text):
    """'Åsa Öberg-Lind' -> 'asa.oberg-lind': a lower-case ASCII e-mail local part or host label."""
    text = text.lower().translate(_ASCII)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = []
    for ch in text:
        if ch.isalnum() or ch in "-.":
            out.append(ch)
        elif ch == " ":
            out.append(".")
    return "".join(out).strip(".")


def genitive_stem(place):
    """The form used in compounds: 'Björkdal' -> 'Björkdals', 'Tallbacka' -> 'Tallbacka'."""
    if place[-1] in "saeiouyåäö":
        return place
    return place + "s"
