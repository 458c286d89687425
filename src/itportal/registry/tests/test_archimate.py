"""ArchiMate Model Exchange File Format: the export validates against The Open Group's XSDs,
export → import into an empty register → export gives the same model, imports are idempotent and
all-or-nothing, and bad files get clear errors."""

import filecmp
import io
import os
import re
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from itportal.core.context import change_context
from itportal.core.models import ObjectChange
from itportal.registry import archimate
from itportal.registry.archimate import ArchimateFileError, import_model
from itportal.registry.models import Capability, Integration, System, SystemUsage

PACKAGED = Path(archimate.__file__).with_name("schemas")
PROJECT = Path(__file__).resolve().parents[4]
SHARED = PROJECT.parent / "shared" / "spec" / "archimate"
XSD_FILES = (
    "archimate3_Model.xsd",
    "archimate3_View.xsd",
    "archimate3_Diagram.xsd",
    "dc.xsd",
    "xml.xsd",
    "LICENSE.txt",
)
NS = {"a": archimate.NS}
XSI_TYPE = archimate.XSI_TYPE


@pytest.fixture(scope="module")
def official_schema():
    """The XSDs from ../shared/spec (the published files) when present, else the packaged
    copies; xml.xsd and Dublin Core mapped to local files as the spec README describes."""
    folder = SHARED if (SHARED / "archimate3_Diagram.xsd").exists() else PACKAGED
    xml_xsd = str(folder / "xml.xsd")
    return xmlschema.XMLSchema(
        str(folder / "archimate3_Diagram.xsd"),
        locations=[
            ("http://www.w3.org/XML/1998/namespace", xml_xsd),
            ("http://purl.org/dc/elements/1.1/", str(folder / "dc.xsd")),
        ],
        uri_mapper={
            "http://www.w3.org/2001/xml.xsd": Path(xml_xsd).as_uri(),
            "http://www.w3.org/2001/03/xml.xsd": Path(xml_xsd).as_uri(),
        },
        allow="local",
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files staged by the import page go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def landscape(org):
    """Three systems in two administrations, with capabilities, usage and integrations."""
    vendor = org["vendor"]
    casework = Capability.objects.create(name="Ärendehantering", description="Alla ärenden")
    records = Capability.objects.create(name="Diarieföring", parent=casework)
    finance = Capability.objects.create(name="Ekonomi")
    diariet = System.objects.create(
        name="Diariet",
        description="Diarium för kommunstyrelsen.\nMed två rader & <tecken>.",
        purpose="Registrera allmänna handlingar",
        owning_unit=org["administration"],
        vendor=vendor,
        product="Public 360",
        product_version="5.1",
        in_operation_since=date(2015, 3, 1),
        cost_licence=Decimal("120000.00"),
        cost_operation=Decimal("30500.50"),
        last_reviewed=date(2025, 1, 15),
        scope="shared",
    )
    diariet.capabilities.set([records])
    ekonomi = System.objects.create(
        name="Ekonomi 365",
        owning_unit=org["administration"],
        operating_form="saas",
        hosting_country="IE",
        hosting_region="Dublin",
        scope="shared",
        scope_reason="Används av hela koncernen",
    )
    ekonomi.capabilities.set([finance, casework])
    skola = System.objects.create(
        name="Skolportalen",
        owning_unit=org["school"],
        lifecycle="decommissioning",
        self_developed=True,
        aliases="Elevportalen, Skolwebben",
    )
    SystemUsage.objects.create(system=diariet, unit=org["it_office"], users=12)
    SystemUsage.objects.create(system=diariet, unit=org["school"], users=40)
    SystemUsage.objects.create(system=ekonomi, unit=org["it_office"], users=5)
    Integration.objects.create(
        source=diariet, target=ekonomi, information="Fakturor", technology="api"
    )
    Integration.objects.create(
        source=ekonomi,
        target=skola,
        information="Budget",
        technology="file",
        frequency="monthly",
        status="planned",
        description="Budgetramar per skola",
    )
    return {"diariet": diariet, "ekonomi": ekonomi, "skola": skola}


def ours(kind, pk):
    """Our identifier of a row: the installation's prefix, the kind, the primary key."""
    return f"{archimate.identifier_prefix()}{kind}-{pk}"


def canonical(data):
    """The model of an exchange file independent of identifiers: elements by type and name with
    documentation and properties; relationships by type, name and the names of their ends."""
    root = ET.fromstring(data)
    definitions = {
        d.get("identifier"): d.findtext("a:name", namespaces=NS)
        for d in root.iterfind("a:propertyDefinitions/a:propertyDefinition", NS)
    }

    def props(el):
        return frozenset(
            (definitions[p.get("propertyDefinitionRef")], p.findtext("a:value", namespaces=NS))
            for p in el.iterfind("a:properties/a:property", NS)
        )

    names, elements = {}, set()
    for el in root.iterfind("a:elements/a:element", NS):
        name = el.findtext("a:name", namespaces=NS)
        names[el.get("identifier")] = name
        elements.add(
            (el.get(XSI_TYPE), name, el.findtext("a:documentation", namespaces=NS), props(el))
        )
    relationships = set()
    for el in root.iterfind("a:relationships/a:relationship", NS):
        relationships.add(
            (
                el.get(XSI_TYPE),
                el.findtext("a:name", namespaces=NS),
                names[el.get("source")],
                names[el.get("target")],
                el.findtext("a:documentation", namespaces=NS),
                props(el),
            )
        )
    return elements, relationships


def identifiers(data):
    root = ET.fromstring(data)
    return {el.get("identifier") for el in root.iterfind("a:elements/a:element", NS)} | {
        el.get("identifier") for el in root.iterfind("a:relationships/a:relationship", NS)
    }


def empty_the_register():
    Integration.objects.all().delete()
    SystemUsage.objects.all().delete()
    System.objects.all().delete()
    while Capability.objects.exists():
        Capability.objects.filter(children__isnull=True).delete()


def counts():
    return (
        System.objects.count(),
        Capability.objects.count(),
        SystemUsage.objects.count(),
        Integration.objects.count(),
        ObjectChange.objects.count(),
    )


# --- The schemas -----------------------------------------------------------------------------
def test_the_packaged_schemas_are_the_published_files_unchanged():
    assert SHARED.exists(), f"{SHARED} (the published specs, beside the project) is missing"
    for name in XSD_FILES:
        assert filecmp.cmp(PACKAGED / name, SHARED / name, shallow=False), name


def test_the_schema_builds_from_the_packaged_files_without_network():
    schema = archimate.schema()

    assert archimate.NS in schema.maps.namespaces
    assert "http://purl.org/dc/elements/1.1/" in schema.maps.namespaces


# --- Export ----------------------------------------------------------------------------------
def test_the_export_validates_against_the_official_xsds(landscape, official_schema):
    data = archimate.export_model()

    errors = [f"{e.path}: {e.reason}" for e in official_schema.iter_errors(data)]

    assert errors == []
    assert archimate.validation_errors(data) == []


def test_the_export_stays_valid_after_a_pdf_was_rendered_in_the_same_process(
    landscape, official_schema
):
    # WeasyPrint (chargeback's PDF invoice basis) re-registers the empty prefix in ElementTree's
    # process-wide namespace map, which once made every later export lose its namespace.
    import weasyprint

    weasyprint.HTML(string="<p>Fakturaunderlag</p>").write_pdf()
    data = archimate.export_model()

    assert [e.reason for e in official_schema.iter_errors(data)] == []


def test_the_export_maps_systems_units_capabilities_and_integrations(landscape, org):
    data = archimate.export_model()
    root = ET.fromstring(data)
    elements = {el.get("identifier"): el for el in root.iterfind("a:elements/a:element", NS)}
    rels = {el.get("identifier"): el for el in root.iterfind("a:relationships/a:relationship", NS)}
    diariet, ekonomi = landscape["diariet"], landscape["ekonomi"]

    assert root.get("identifier") == archimate.MODEL_ID
    assert root.find("a:name", NS).get(archimate.XML_LANG) == "sv"
    system = elements[ours("sys", diariet.pk)]
    assert system.get(XSI_TYPE) == "ApplicationComponent"
    assert system.findtext("a:name", namespaces=NS) == "Diariet"
    assert system.findtext("a:documentation", namespaces=NS) == diariet.description
    element_types = {el.get(XSI_TYPE) for el in elements.values()}
    assert element_types == {"ApplicationComponent", "BusinessActor", "Capability"}
    unit = elements[ours("unit", org["administration"].pk)]
    assert unit.get(XSI_TYPE) == "BusinessActor"
    assert ours("unit", org["board"].pk) not in elements  # owns and uses no system
    flow = next(r for r in rels.values() if r.findtext("a:name", namespaces=NS) == "Fakturor")
    assert flow.get(XSI_TYPE) == "Flow"
    assert (flow.get("source"), flow.get("target")) == (
        ours("sys", diariet.pk),
        ours("sys", ekonomi.pk),
    )
    owner = rels[ours("own", diariet.pk)]
    assert owner.get(XSI_TYPE) == "Association"
    assert owner.get("source") == ours("unit", org["administration"].pk)
    kinds = {r.get(XSI_TYPE) for r in rels.values()}
    assert kinds == {"Association", "Serving", "Composition", "Realization", "Flow"}
    _elements, relationships = canonical(data)
    assert (
        "Serving",
        None,
        "Diariet",
        "Utbildningsförvaltningen",
        None,
        frozenset({("Användare", "40")}),
    ) in relationships
    assert (
        "Realization",
        None,
        "Ekonomi 365",
        "Ärendehantering",
        None,
        frozenset(),
    ) in relationships
    assert (
        "Composition",
        None,
        "Ärendehantering",
        "Diarieföring",
        None,
        frozenset(),
    ) in relationships


def test_the_export_carries_the_facts_as_properties(landscape):
    elements, _rels = canonical(archimate.export_model())
    by_name = {name: dict(props) for _type, name, _doc, props in elements}

    assert by_name["Diariet"]["Livscykelfas"] == "operation"
    assert by_name["Diariet"]["Leverantör"] == "Norrdata AB"
    assert by_name["Diariet"]["I drift sedan"] == "2015-03-01"
    assert by_name["Diariet"]["Driftkostnad per år"] == "30500.50"
    assert by_name["Ekonomi 365"]["Driftform"] == "saas"
    assert by_name["Ekonomi 365"]["Driftland"] == "IE"
    assert by_name["Ekonomi 365"]["Omfattning"] == "shared"
    assert by_name["Skolportalen"]["Egenutvecklat"] == "true"
    assert "Produkt" not in by_name["Skolportalen"]  # empty values are left out
    assert by_name["IT-kontoret"]["Kostnadsställe"]


def test_the_export_needs_few_queries(landscape, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        archimate.export_model()


# --- Round trip and idempotence --------------------------------------------------------------
def test_export_import_into_an_empty_register_and_export_again_gives_the_same_model(
    landscape, official_schema
):
    first = archimate.export_model()
    empty_the_register()
    assert not System.objects.exists()

    with change_context(source="import"):
        result = import_model(first, actor="test")
    second = archimate.export_model()

    assert result.errors == []
    assert result.committed
    assert result.summary["created"] == 3 + 3 + 3 + 2  # capabilities, systems, usages, flows
    assert canonical(second) == canonical(first)
    assert list(official_schema.iter_errors(second)) == []
    assert identifiers(second) != identifiers(first)  # new rows, new pks
    created = ObjectChange.objects.filter(action="create", source="import")
    assert created.filter(content_type__model="system").count() == 3
    assert Integration.objects.get(information="Budget").status == "planned"
    assert System.objects.get(name="Diariet").capabilities.get().parent.name == "Ärendehantering"


def test_importing_the_export_into_the_same_register_changes_nothing(landscape):
    data = archimate.export_model()
    before = counts()

    result = import_model(data, actor="test")

    assert result.errors == []
    assert result.summary["created"] == result.summary["updated"] == 0
    assert result.summary["unchanged"] == 11
    assert counts() == before
    assert archimate.export_model() == data


def test_importing_the_same_file_twice_changes_nothing_the_second_time(landscape):
    data = archimate.export_model()
    empty_the_register()
    import_model(data, actor="test")
    after_first = counts()

    second = import_model(data, actor="test")

    assert second.errors == []
    assert not second.changed
    assert counts() == after_first


def test_an_identifier_of_ours_wins_over_the_name_so_a_rename_is_an_update(landscape):
    data = archimate.export_model()
    diariet = landscape["diariet"]
    renamed = data.replace(
        b'<name xml:lang="sv">Diariet</name>', b'<name xml:lang="sv">W3D3</name>'
    )

    result = import_model(renamed, actor="test")

    assert result.errors == []
    diariet.refresh_from_db()
    assert diariet.name == "W3D3"
    assert [o.label for o in result.changes] == ["W3D3"]
    assert System.objects.count() == 3


def test_it_prefixes_its_identifiers_with_a_stable_id_of_the_installation(landscape, settings):
    data = archimate.export_model()
    prefix = archimate.identifier_prefix()

    assert re.fullmatch(r"itp-[0-9a-f]{8}-", prefix)
    assert all(identifier.startswith(prefix) for identifier in identifiers(data))
    assert archimate.export_model() == data  # stable
    settings.SECRET_KEY = "another installation of IT-portalen"
    assert archimate.identifier_prefix() != prefix


def their_export(landscape):
    """Our register exported by another installation (same primary keys, another prefix), in
    which their system with Diariet's primary key is called W3D3."""
    with override_settings(SECRET_KEY="another installation of IT-portalen"):
        theirs = archimate.export_model()
    assert archimate.identifier_prefix().encode() not in theirs
    return theirs.replace(b'<name xml:lang="sv">Diariet</name>', b'<name xml:lang="sv">W3D3</name>')


@pytest.mark.parametrize("origin", ["another installation", "no installation prefix"])
def test_it_matches_identifiers_of_another_installation_by_name_not_by_primary_key(
    landscape, origin
):
    data = their_export(landscape)
    if origin == "no installation prefix":  # files written before the prefix, or by hand
        data = re.sub(rb'"itp-[0-9a-f]{8}-', b'"', data)
    diariet = landscape["diariet"]

    result = import_model(data, actor="test")

    assert result.errors == []
    diariet.refresh_from_db()
    assert diariet.name == "Diariet"  # not renamed
    assert System.objects.get(name="W3D3").pk != diariet.pk
    assert result.count("created", "system") == 1
    assert result.count("updated", "system") == 0
    assert System.objects.count() == 4
    again = import_model(data, actor="test")
    assert again.errors == [] and not again.changed


def test_it_still_knows_its_identifiers_after_the_secret_key_is_rotated(landscape, settings):
    data = archimate.export_model().replace(
        b'<name xml:lang="sv">Diariet</name>', b'<name xml:lang="sv">W3D3</name>'
    )
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the rotated secret key of this installation"

    result = import_model(data, actor="test")

    assert result.errors == []
    assert System.objects.get(pk=landscape["diariet"].pk).name == "W3D3"
    assert System.objects.count() == 3


# --- Bad files -------------------------------------------------------------------------------
def assert_rejected(data, *fragments, **kwargs):
    before = counts()
    with pytest.raises(ArchimateFileError) as caught:
        import_model(data, actor="test", **kwargs)
    text = "\n".join(caught.value.messages)
    for fragment in fragments:
        assert fragment in text
    assert counts() == before
    return text


def model(elements="", relationships="", extra=""):
    rels = f"<relationships>{relationships}</relationships>" if relationships else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<model xmlns="{archimate.NS}" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="id-model">\n'
        '<name xml:lang="sv">Test</name>\n'
        f"<elements>{elements}</elements>{rels}{extra}</model>"
    ).encode()


def test_a_file_that_is_not_xml_is_refused_naming_line_and_column(landscape):
    assert_rejected(b"Systemlista\nDiariet;Ekonomi\n", "not well-formed XML", "line 1, column 1")
    assert_rejected(b"<model>\n  <elements>\n</model>", "mismatched tag", "line 3, column 3")
    assert_rejected(b"", "not well-formed XML")


def test_a_file_with_a_dtd_or_entities_is_refused(landscape):
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE model [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><model>&b;</model>'
    )
    assert_rejected(bomb, "DTD or entities")
    external = b'<?xml version="1.0"?><!DOCTYPE model SYSTEM "file:///etc/passwd"><model/>'
    assert_rejected(external, "DTD or entities")


def test_a_file_of_another_kind_is_refused_naming_its_root(landscape):
    assert_rejected(b"<rss><channel/></rss>", "<rss>", "not an ArchiMate 3 exchange file")


def test_a_file_invalid_against_the_schema_is_refused_naming_path_and_reason(landscape):
    nameless = model('<element identifier="id-1" xsi:type="ApplicationComponent"/>')
    text = assert_rejected(nameless, "/model/elements/element", "id-1")
    assert "Not valid against the ArchiMate schema" in text

    unknown_type = model(
        '<element identifier="id-1" xsi:type="Spreadsheet"><name>X</name></element>'
    )
    assert_rejected(unknown_type, "/model/elements/element", "Spreadsheet")

    stray = model(
        '<element identifier="id-1" xsi:type="Capability"><name>X</name></element>', extra="<oops/>"
    )
    assert_rejected(stray, "Not valid against the ArchiMate schema", "oops")


def test_a_relationship_to_an_unknown_element_is_refused_naming_the_identifier(landscape):
    data = model(
        '<element identifier="id-a" xsi:type="ApplicationComponent"><name>A</name></element>',
        '<relationship identifier="id-r" source="id-a" target="id-nowhere" xsi:type="Flow">'
        "<name>Data</name></relationship>",
    )

    text = assert_rejected(data, "id-r", "'id-nowhere'")

    assert "unknown target" in text


def test_an_error_in_one_concept_rolls_back_the_whole_import(landscape, org):
    data = model(
        '<element identifier="id-ok" xsi:type="ApplicationComponent"><name>Nytt</name></element>'
        '<element identifier="id-bad" xsi:type="ApplicationComponent"><name>Herrelöst</name>'
        "</element>"
        '<element identifier="id-u" xsi:type="BusinessActor"><name>IT-kontoret</name></element>',
        '<relationship identifier="id-o" source="id-u" target="id-ok" xsi:type="Assignment"/>',
    )
    before = counts()

    result = import_model(data, actor="test")

    assert not result.committed
    assert len(result.errors) == 1
    assert "Herrelöst" in result.errors[0] and "id-bad" in result.errors[0]
    assert "owning unit" in result.errors[0]
    assert counts() == before


def test_a_default_unit_owns_the_new_systems_the_file_gives_no_owner(landscape, org):
    data = model(
        '<element identifier="id-n" xsi:type="ApplicationComponent"><name>Herrelöst</name>'
        "</element>"
    )

    result = import_model(data, actor="test", default_unit=org["it_office"])

    assert result.errors == []
    assert System.objects.get(name="Herrelöst").owning_unit == org["it_office"]


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(landscape):
    data = archimate.export_model()
    empty_the_register()
    before = counts()

    result = import_model(data, actor="test", dry_run=True)

    assert result.errors == []
    assert not result.committed
    assert result.count("created", "system") == 3
    assert result.count("created", "integration") == 2
    assert counts() == before


def test_bad_values_and_unknown_units_are_reported_per_element(landscape):
    data = model(
        '<element identifier="id-s" xsi:type="ApplicationComponent"><name>Nytt</name>'
        '<properties><property propertyDefinitionRef="p1"><value>på gång</value></property>'
        '<property propertyDefinitionRef="p2"><value>igår</value></property></properties>'
        "</element>"
        '<element identifier="id-u" xsi:type="BusinessActor"><name>Finns inte</name></element>',
        '<relationship identifier="id-o" source="id-u" target="id-s" xsi:type="Association">'
        "<name>äger</name></relationship>",
        '<propertyDefinitions><propertyDefinition identifier="p1" type="string">'
        "<name>Livscykelfas</name></propertyDefinition>"
        '<propertyDefinition identifier="p2" type="date"><name>I drift sedan</name>'
        "</propertyDefinition></propertyDefinitions>",
    )
    before = counts()

    result = import_model(data, actor="test")

    text = "\n".join(result.errors)
    assert "Finns inte" in text and "no org unit" in text
    assert "Livscykelfas" in text and "'på gång'" in text and "operation" in text
    assert counts() == before


@pytest.mark.parametrize("value", ["NaN", "sNaN", "-Infinity"])
def test_it_rejects_a_cost_that_is_not_a_finite_amount_naming_the_property(landscape, value):
    data = archimate.export_model().replace(b">30500.50<", f">{value}<".encode())
    before = counts()

    result = import_model(data, actor="test")

    [error] = result.errors
    assert "Diariet" in error and "Driftkostnad per år" in error and repr(value) in error
    assert counts() == before


# --- A file from another tool ----------------------------------------------------------------
ARCHI_FILE = """<?xml version="1.0" encoding="UTF-8"?>
<model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"
       xmlns:dc="http://purl.org/dc/elements/1.1/"
       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
       xsi:schemaLocation="http://www.opengroup.org/xsd/archimate/3.0/
         http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
       identifier="id-7d3c3ad3a4c0">
  <name xml:lang="en">Kommunens arkitektur</name>
  <metadata>
    <schema>Dublin Core</schema>
    <schemaversion>1.1</schemaversion>
    <dc:title>Kommunens arkitektur</dc:title>
    <dc:creator>Arkitekten</dc:creator>
  </metadata>
  <elements>
    <element identifier="id-0a01" xsi:type="ApplicationComponent">
      <name xml:lang="en">Procapita</name>
      <documentation xml:lang="en">Verksamhetssystem för socialtjänsten</documentation>
      <properties>
        <property propertyDefinitionRef="propid-1"><value>introduction</value></property>
        <property propertyDefinitionRef="propid-2"><value>SaaS (cloud service)</value></property>
        <property propertyDefinitionRef="propid-3"><value>se</value></property>
        <property propertyDefinitionRef="propid-9"><value>whatever</value></property>
      </properties>
    </element>
    <element identifier="id-0a02" xsi:type="ApplicationComponent">
      <name xml:lang="en">Diariet</name>
      <properties>
        <property propertyDefinitionRef="propid-1"><value>decommissioning</value></property>
      </properties>
    </element>
    <element identifier="id-0a03" xsi:type="BusinessActor">
      <name xml:lang="en">IT-kontoret</name>
    </element>
    <element identifier="id-0a04" xsi:type="BusinessActor">
      <name xml:lang="en">Utbildningsförvaltningen</name>
    </element>
    <element identifier="id-0a05" xsi:type="Capability">
      <name xml:lang="en">Ärendehantering</name>
    </element>
    <element identifier="id-0a06" xsi:type="Capability">
      <name xml:lang="en">Biståndshandläggning</name>
      <documentation xml:lang="en">Utreda och besluta om bistånd</documentation>
    </element>
    <element identifier="id-0a07" xsi:type="BusinessProcess">
      <name xml:lang="en">Handlägga ansökan</name>
    </element>
  </elements>
  <relationships>
    <relationship identifier="id-r01" source="id-0a04" target="id-0a01" xsi:type="Association">
      <name xml:lang="en">Äger</name>
    </relationship>
    <relationship identifier="id-r02" source="id-0a01" target="id-0a04" xsi:type="Serving">
      <properties>
        <property propertyDefinitionRef="propid-5"><value>250</value></property>
      </properties>
    </relationship>
    <relationship identifier="id-r03" source="id-0a01" target="id-0a03" xsi:type="Serving"/>
    <relationship identifier="id-r04" source="id-0a05" target="id-0a06" xsi:type="Composition"/>
    <relationship identifier="id-r05" source="id-0a01" target="id-0a06" xsi:type="Realization"/>
    <relationship identifier="id-r06" source="id-0a01" target="id-0a02" xsi:type="Flow">
      <name xml:lang="en">Beslut</name>
      <properties>
        <property propertyDefinitionRef="propid-4"><value>Message</value></property>
        <property propertyDefinitionRef="propid-6"><value>realtime</value></property>
      </properties>
    </relationship>
    <relationship identifier="id-r07" source="id-0a07" target="id-0a07" xsi:type="Triggering"/>
    <relationship identifier="id-r08" source="id-0a03" target="id-0a02" xsi:type="Association">
      <name xml:lang="en">känner till</name>
    </relationship>
  </relationships>
  <organizations>
    <item>
      <label xml:lang="en">Application</label>
      <item identifierRef="id-0a01"/>
      <item identifierRef="id-0a02"/>
    </item>
  </organizations>
  <propertyDefinitions>
    <propertyDefinition identifier="propid-1" type="string">
      <name xml:lang="en">Livscykelfas</name>
    </propertyDefinition>
    <propertyDefinition identifier="propid-2" type="string">
      <name xml:lang="en">operating form</name>
    </propertyDefinition>
    <propertyDefinition identifier="propid-3" type="string">
      <name xml:lang="en">Driftland</name>
    </propertyDefinition>
    <propertyDefinition identifier="propid-4" type="string">
      <name xml:lang="en">Teknik</name>
    </propertyDefinition>
    <propertyDefinition identifier="propid-5" type="string">
      <name xml:lang="en">Användare</name>
    </propertyDefinition>
    <propertyDefinition identifier="propid-6" type="string">
      <name xml:lang="en">frequency</name>
    </propertyDefinition>
    <propertyDefinition identifier="propid-9" type="string">
      <name xml:lang="en">Arkitektens anteckning</name>
    </propertyDefinition>
  </propertyDefinitions>
  <views>
    <diagrams>
      <view identifier="id-v1" xsi:type="Diagram">
        <name xml:lang="en">Socialtjänsten</name>
        <node identifier="id-n1" elementRef="id-0a01" xsi:type="Element"
              x="10" y="10" w="120" h="55"/>
        <node identifier="id-n2" elementRef="id-0a02" xsi:type="Element"
              x="200" y="10" w="120" h="55"/>
        <connection identifier="id-c1" relationshipRef="id-r06" xsi:type="Relationship"
                    source="id-n1" target="id-n2"/>
      </view>
    </diagrams>
  </views>
</model>
""".encode()


def test_an_archi_file_with_foreign_identifiers_is_imported_and_matched_by_name(
    landscape, org, official_schema
):
    assert list(official_schema.iter_errors(ARCHI_FILE)) == []

    result = import_model(ARCHI_FILE, actor="test")

    assert result.errors == []
    procapita = System.objects.get(name="Procapita")
    assert procapita.owning_unit == org["school"]
    assert procapita.description == "Verksamhetssystem för socialtjänsten"
    assert (procapita.lifecycle, procapita.operating_form) == ("introduction", "saas")
    assert procapita.hosting_country == "SE"
    assert {(u.unit.name, u.users) for u in procapita.usages.all()} == {
        ("Utbildningsförvaltningen", 250),
        ("IT-kontoret", 0),
    }
    capability = procapita.capabilities.get()
    assert (capability.name, capability.parent.name) == ("Biståndshandläggning", "Ärendehantering")
    assert Capability.objects.filter(name="Ärendehantering").count() == 1  # matched, not copied
    flow = Integration.objects.get(information="Beslut")
    assert (flow.source, flow.target) == (procapita, landscape["diariet"])
    assert (flow.technology, flow.frequency, flow.status) == ("message", "realtime", "active")
    diariet = System.objects.get(name="Diariet")
    assert diariet.pk == landscape["diariet"].pk
    assert diariet.lifecycle == "decommissioning"
    assert diariet.owning_unit == org["administration"]  # "känner till" is no ownership
    assert result.count("updated", "system") == 1
    assert result.ignored["BusinessProcess"] == 1
    assert sum(n for kind, n in result.ignored.items() if kind.startswith("Triggering")) == 1


def test_an_archi_file_imported_twice_changes_nothing_the_second_time(landscape):
    import_model(ARCHI_FILE, actor="test")
    after_first = counts()

    second = import_model(ARCHI_FILE, actor="test")

    assert second.errors == []
    assert not second.changed
    assert counts() == after_first


def test_a_new_flow_without_technology_or_name_is_an_error_naming_it(landscape):
    data = ARCHI_FILE.replace(b"<value>Message</value>", b"").replace(
        b'propertyDefinitionRef="propid-4">', b'propertyDefinitionRef="propid-9"><value>x</value>'
    )

    result = import_model(data, actor="test")

    assert any("id-r06" in e and "Teknik" in e for e in result.errors)
    assert not System.objects.filter(name="Procapita").exists()


# --- Commands --------------------------------------------------------------------------------
def test_the_commands_export_and_import_a_file(landscape, tmp_path, official_schema):
    path = tmp_path / "register.xml"
    out = io.StringIO()

    call_command("export_archimate", str(path), stdout=out)
    assert "Exported" in out.getvalue()
    assert list(official_schema.iter_errors(str(path))) == []

    empty_the_register()
    before = counts()
    out = io.StringIO()
    call_command("import_archimate", str(path), "--dry-run", stdout=out)
    assert "Dry run" in out.getvalue()
    assert "3 to create" in out.getvalue()
    assert counts() == before

    out = io.StringIO()
    call_command("import_archimate", str(path), stdout=out)
    assert "Imported: 11 created" in out.getvalue()
    assert System.objects.count() == 3
    assert ObjectChange.objects.filter(source="command", actor="command:import_archimate").exists()


def test_the_import_command_refuses_bad_files_with_the_reason(landscape, tmp_path, org):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<model>\n<elements>\n</model>")
    with pytest.raises(CommandError, match="line 3, column 3"):
        call_command("import_archimate", str(bad))

    lonely = tmp_path / "lonely.xml"
    lonely.write_bytes(
        model(
            '<element identifier="id-n" xsi:type="ApplicationComponent"><name>Ensam</name>'
            "</element>"
        )
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_archimate", str(lonely))
    with pytest.raises(CommandError, match="no unit"):
        call_command("import_archimate", str(lonely), "--default-unit", "no-such-centre")

    call_command("import_archimate", str(lonely), "--default-unit", org["it_office"].cost_centre)
    assert System.objects.get(name="Ensam").owning_unit == org["it_office"]

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_archimate", str(tmp_path / "missing.xml"))


# --- Pages -----------------------------------------------------------------------------------
def test_readers_download_the_export(landscape, client_for):
    response = client_for("employee").get(reverse("registry:archimate_export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "attachment" in response["Content-Disposition"]
    assert archimate.validation_errors(response.content) == []
    assert client_for("anonymous").get(reverse("registry:archimate_export")).status_code == 302


def test_only_it_staff_may_import(landscape, client_for):
    url = reverse("registry:archimate_import")

    assert client_for("itstaff").get(url).status_code == 200
    assert client_for("admin").get(url).status_code == 200
    assert client_for("employee").get(url).status_code == 403
    assert client_for("coordinator").get(url).status_code == 403
    assert client_for("anonymous").get(url).status_code == 302


def upload(data, name="modell.xml"):
    return SimpleUploadedFile(name, data, content_type="application/xml")


def test_the_import_page_checks_then_imports_on_confirmation(landscape, client_for):
    data = archimate.export_model()
    empty_the_register()
    client = client_for("itstaff")
    url = reverse("registry:archimate_import")

    checked = client.post(url, {"file": upload(data), "dry_run": "on"})
    assert checked.status_code == 200
    assert checked.context["result"].count("created", "system") == 3
    assert not System.objects.exists()
    token = checked.context["token"]
    assert token

    done = client.post(url, {"token": token, "default_unit": ""})
    assert done.status_code == 200
    assert done.context["result"].committed
    assert System.objects.count() == 3
    change = ObjectChange.objects.filter(content_type__model="system").first()
    assert (change.source, change.actor) == ("import", "itstaff")

    again = client.post(url, {"token": token})
    assert again.status_code == 302  # the staged file is gone


def test_the_import_page_shows_file_errors_and_writes_nothing(landscape, client_for):
    client = client_for("itstaff")
    url = reverse("registry:archimate_import")
    before = counts()

    response = client.post(url, {"file": upload(b"<model>\n<x>\n</model>"), "dry_run": "on"})

    assert response.status_code == 400
    assert "line 3, column 3" in response.content.decode()
    assert counts() == before
    forged = client.post(url, {"token": "../../settings.py"})
    assert forged.status_code == 302


def test_the_import_page_reports_problems_with_status_422(landscape, client_for):
    data = model(
        '<element identifier="id-n" xsi:type="ApplicationComponent"><name>Ensam</name></element>'
    )

    response = client_for("itstaff").post(
        reverse("registry:archimate_import"), {"file": upload(data)}
    )

    assert response.status_code == 422
    assert "Ensam" in response.content.decode()
    assert not System.objects.filter(name="Ensam").exists()


def test_references_must_name_a_concept_of_the_right_kind(landscape):
    # a property whose definition is an element, a view node whose element is a relationship
    data = model(
        '<element identifier="id-a" xsi:type="ApplicationComponent"><name>A</name>'
        '<properties><property propertyDefinitionRef="id-a"><value>x</value></property>'
        "</properties></element>"
        '<element identifier="id-b" xsi:type="ApplicationComponent"><name>B</name></element>',
        '<relationship identifier="id-r" source="id-a" target="id-b" xsi:type="Flow"/>',
        '<views><diagrams><view identifier="id-v" xsi:type="Diagram"><name>V</name>'
        '<node identifier="id-n" elementRef="id-r" xsi:type="Element" x="0" y="0" w="1" h="1"/>'
        "</view></diagrams></views>",
    )

    text = assert_rejected(data, "unknown property definition 'id-a'", "unknown element 'id-r'")

    assert "<property> (id-a) refers to" in text
    assert "id-n refers to" in text


def test_the_import_validator_leaves_the_complete_schema_intact(official_schema):
    archimate.validation_errors(model())  # builds the import validator

    assert archimate.schema().elements["model"].identities
    assert not archimate._import_schema().elements["model"].identities


@pytest.mark.parametrize(
    "case",
    ["missing name", "duplicate identifier", "unknown source", "property of an element"],
)
def test_the_import_validator_refuses_what_the_complete_schema_refuses(case, official_schema):
    element = '<element identifier="id-{0}" xsi:type="ApplicationComponent"><name>{0}</name>'
    files = {
        "missing name": model('<element identifier="id-a" xsi:type="Capability"/>'),
        "duplicate identifier": model(
            element.format("a") + "</element>" + element.format("a") + "</element>"
        ),
        "unknown source": model(
            element.format("a") + "</element>",
            '<relationship identifier="id-r" source="id-x" target="id-a" xsi:type="Flow"/>',
        ),
        "property of an element": model(
            element.format("a")
            + '<properties><property propertyDefinitionRef="id-a"><value>v</value>'
            "</property></properties></element>"
        ),
    }
    data = files[case]

    assert list(official_schema.iter_errors(data))
    assert archimate.validation_errors(data)


def test_the_import_page_reports_a_dry_run_of_an_archi_file(landscape, client_for):
    response = client_for("admin").post(
        reverse("registry:archimate_import"), {"file": upload(ARCHI_FILE), "dry_run": "on"}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Procapita" in page
    assert "BusinessProcess: 1" in page
    assert response.context["token"]
    assert not System.objects.filter(name="Procapita").exists()


def test_a_cycle_of_capabilities_or_a_flow_to_itself_is_an_error(landscape, org):
    cap = '<element identifier="id-{0}" xsi:type="Capability"><name>{0}</name></element>'
    data = model(
        cap.format("a")
        + cap.format("b")
        + cap.format("c")
        + '<element identifier="id-s" xsi:type="ApplicationComponent"><name>Diariet</name>'
        "</element>",
        '<relationship identifier="id-1" source="id-a" target="id-b" xsi:type="Composition"/>'
        '<relationship identifier="id-2" source="id-b" target="id-a" xsi:type="Composition"/>'
        '<relationship identifier="id-3" source="id-a" target="id-c" xsi:type="Composition"/>'
        '<relationship identifier="id-4" source="id-s" target="id-s" xsi:type="Flow">'
        '<name>Eko</name><properties><property propertyDefinitionRef="p"><value>api</value>'
        "</property></properties></relationship>",
        '<propertyDefinitions><propertyDefinition identifier="p" type="string">'
        "<name>Teknik</name></propertyDefinition></propertyDefinitions>",
    )
    before = counts()

    result = import_model(data, actor="test")

    text = "\n".join(result.errors)
    assert "id-a → id-b → id-a lie below each other in a cycle" in text
    assert "id-4" in text and "two different systems" in text
    assert counts() == before


def test_the_import_page_refuses_a_file_over_the_limit(landscape, client_for, settings):
    settings.IMPORT_MAX_BYTES = 1024

    response = client_for("itstaff").post(
        reverse("registry:archimate_import"), {"file": upload(b" " * 6000 + model())}
    )

    assert response.status_code == 400
    assert "the largest file accepted is 0.0 MB" in response.content.decode()


def test_it_prunes_old_staged_files_when_it_stages_a_file(landscape, client_for, settings):
    staged = Path(settings.MEDIA_ROOT) / "imports"
    staged.mkdir(parents=True)
    old, recent = staged / f"archimate-{'a' * 32}.xml", staged / f"archimate-{'b' * 32}.xml"
    for path in (old, recent):
        path.write_bytes(model())
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))

    response = client_for("itstaff").post(
        reverse("registry:archimate_import"),
        {"file": upload(archimate.export_model()), "dry_run": "on"},
    )

    token = response.context["token"]
    assert default_storage.exists(f"imports/{token}")
    assert not old.exists()
    assert recent.exists()
    expired = client_for("itstaff").post(reverse("registry:archimate_import"), {"token": old.name})
    assert expired.status_code == 302
