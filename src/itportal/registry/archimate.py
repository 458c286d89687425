"""The ArchiMate Model Exchange File Format (The Open Group, ArchiMate 3.x): export of the system
register, and import of such files from other tools (Archi and others).

How the register maps onto ArchiMate (identifiers in brackets, each after the installation's
prefix ``itp-<installation>-``, see below):

- System → ApplicationComponent (``sys-<pk>``): description as documentation, the facts
  (lifecycle, scope, operating form, hosting country, costs …) as properties;
- OrgUnit → BusinessActor (``unit-<pk>``), only the units that own or use a system, with their
  cost centre and organisation as properties. Units belong to the organisation register: the
  import matches them (identifier, cost centre, name) and never creates or changes them;
- owning unit → Association from the unit to the system named "äger" (``own-<pk>``). ArchiMate
  3.1/3.2 allow no Assignment from a business actor to an application component, so the export
  uses an Association; the import accepts both;
- SystemUsage → Serving from the system to the unit using it (``use-<pk>``), users as property;
- Capability → Capability (``cap-<pk>``), the tree as Composition parent → child
  (``comp-<pk>``), and a system's capabilities as Realization system → capability
  (``real-<system>-<capability>``);
- Integration → Flow from source to target system (``flow-<pk>``), the information as its name.

Primary keys mean something only in the database they come from, so our identifiers carry a
short, stable id of the installation derived from its SECRET_KEY: ``itp-1a2b3c4d-sys-12``.

The import validates the file (well-formed XML without DTD or entities, the XSDs, references),
then matches every concept: our own identifiers first (``itp-<ours>-sys-12`` while system 12
exists), then by name (systems, capabilities), by cost centre or name (units), or by source,
target and information (integrations). Identifiers of other installations of IT-portalen
(another prefix: their system 12 is not ours) and of other tools (Archi's ``id-<uuid>``) are
not stored and never matched by primary key: matching by name keeps re-imports idempotent. It
creates and updates, it never deletes, and a property or documentation missing from the file
leaves the stored value as it is. Everything runs in one transaction through the register's
services: with any error, or as a dry run, nothing is written.
"""

import functools
import hashlib
import io
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from xmlschema.exceptions import (
    XMLResourceError,
    XMLResourceExceeded,
    XMLResourceForbidden,
    XMLResourceParseError,
    XMLSchemaException,
)

from itportal.organisation.models import OrgUnit, Vendor
from itportal.registry import services
from itportal.registry.choices import (
    Frequency,
    IntegrationStatus,
    Lifecycle,
    OperatingForm,
    Scope,
    Technology,
)
from itportal.registry.models import Capability, Integration, System, SystemUsage

NS = "http://www.opengroup.org/xsd/archimate/3.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSI_TYPE = f"{{{XSI}}}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC_NS = "http://purl.org/dc/elements/1.1/"
LANG = "sv"
MODEL_ID = "itportal-register"
SCHEMA_LOCATION = f"{NS} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd"
SCHEMA_DIR = Path(__file__).resolve().with_name("schemas")
MAX_ERRORS = 50

APPLICATION_COMPONENT = "ApplicationComponent"
BUSINESS_ACTOR = "BusinessActor"
CAPABILITY = "Capability"
OWNER_NAME = "äger"
# Names of an Association that make a business actor the owner of an application component.
OWNER_NAMES = frozenset({"äger", "ägare", "systemägare", "ägande enhet", "owner", "owns"})


# Write the ArchiMate namespace as the default one (ElementTree's `default_namespace` option
# refuses the unqualified attributes the format uses).
ET.register_namespace("", NS)


def q(tag):
    """The qualified name of an ArchiMate element."""
    return f"{{{NS}}}{tag}"


# --- Identifiers -----------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _installation_id_for(secret_key):
    digest = hashlib.sha256(f"itportal-archimate:{secret_key}".encode()).hexdigest()
    return digest[:8]


def installation_id():
    """A short id of this installation, stable as long as its SECRET_KEY is (8 hex digits)."""
    return _installation_id_for(settings.SECRET_KEY)


def identifier_prefix():
    """The prefix of our identifiers: a letter first (xs:ID), then this installation's id."""
    return f"itp-{installation_id()}-"


def _our_prefixes():
    """The prefixes of identifiers this installation wrote: with its SECRET_KEY, or with a key
    it has rotated away from (still listed in SECRET_KEY_FALLBACKS)."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", ())]
    return tuple(dict.fromkeys(f"itp-{_installation_id_for(key)}-" for key in keys))


def _our_pk(identifier, kind):
    """The primary key an identifier of ours names (``itp-<ours>-sys-12`` → 12), else None:
    identifiers of other installations and of other tools are matched by name instead."""
    identifier = identifier or ""
    for prefix in _our_prefixes():
        if identifier.startswith(prefix):
            match = re.fullmatch(rf"{kind}-(\d+)", identifier[len(prefix) :])
            return int(match.group(1)) if match else None
    return None


# --- Properties ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Prop:
    key: str  # model field (or "vendor", "organisation")
    name: str  # the property definition's name in the file
    type: str  # the exchange format's DataType
    choices: type = None  # TextChoices whose code or label the value is

    @property
    def identifier(self):
        return f"prop-{self.key}"


PROPS = {
    p.key: p
    for p in (
        Prop("aliases", "Alias", "string"),
        Prop("purpose", "Syfte", "string"),
        Prop("vendor", "Leverantör", "string"),
        Prop("product", "Produkt", "string"),
        Prop("product_version", "Produktversion", "string"),
        Prop("lifecycle", "Livscykelfas", "string", Lifecycle),
        Prop("in_operation_since", "I drift sedan", "date"),
        Prop("planned_retirement", "Planerad avveckling", "date"),
        Prop("retired_on", "Avvecklat", "date"),
        Prop("scope", "Omfattning", "string", Scope),
        Prop("scope_reason", "Skäl för omfattning", "string"),
        Prop("technical_platform", "Teknisk plattform", "boolean"),
        Prop("operating_form", "Driftform", "string", OperatingForm),
        Prop("hosting_country", "Driftland", "string"),
        Prop("hosting_region", "Driftregion", "string"),
        Prop("self_developed", "Egenutvecklat", "boolean"),
        Prop("cost_licence", "Licenskostnad per år", "currency"),
        Prop("cost_operation", "Driftkostnad per år", "currency"),
        Prop("cost_support", "Supportkostnad per år", "currency"),
        Prop("last_reviewed", "Senast granskat", "date"),
        Prop("cost_centre", "Kostnadsställe", "string"),
        Prop("organisation", "Organisation", "string"),
        Prop("technology", "Teknik", "string", Technology),
        Prop("frequency", "Frekvens", "string", Frequency),
        Prop("status", "Status", "string", IntegrationStatus),
        Prop("users", "Användare", "number"),
    )
}
SYSTEM_PROPS = (
    "aliases",
    "purpose",
    "vendor",
    "product",
    "product_version",
    "lifecycle",
    "in_operation_since",
    "planned_retirement",
    "retired_on",
    "scope",
    "scope_reason",
    "technical_platform",
    "operating_form",
    "hosting_country",
    "hosting_region",
    "self_developed",
    "cost_licence",
    "cost_operation",
    "cost_support",
    "last_reviewed",
)
FLOW_PROPS = ("technology", "frequency", "status")
PROP_MODELS = {
    **dict.fromkeys(SYSTEM_PROPS, System),
    **dict.fromkeys(FLOW_PROPS, Integration),
    "users": SystemUsage,
    "cost_centre": OrgUnit,
    "organisation": OrgUnit,
}


def _norm(text):
    text = unicodedata.normalize("NFC", str(text)).replace("_", " ")
    return " ".join(text.split()).casefold()


@functools.cache
def _prop_aliases():
    """Normalised names under which a property definition is recognised → its key: our names,
    the field names and the fields' English and Swedish labels."""
    aliases = {}
    for prop in PROPS.values():
        names = {prop.name, prop.key}
        model = PROP_MODELS[prop.key]
        try:
            verbose = model._meta.get_field(prop.key).verbose_name
        except Exception:
            verbose = None
        if verbose is not None:
            for language in ("en", "sv"):
                with translation.override(language):
                    names.add(str(verbose))
        for name in names:
            aliases.setdefault(_norm(name), prop.key)
    return aliases


@functools.cache
def _choice_values(choices):
    """Normalised code or label (English and Swedish) → code."""
    values = {}
    for code, label in choices.choices:
        values[_norm(code)] = code
        for language in ("en", "sv"):
            with translation.override(language):
                values.setdefault(_norm(label), code)
    return values


# --- Errors and results ----------------------------------------------------------------------
class ArchimateFileError(Exception):
    """The file as a whole cannot be used: not XML, not valid against the schema, or it refers
    to elements it does not contain. `messages` lists what is wrong."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class _Problem(Exception):
    """One concept of the file cannot be imported (reported, the import goes on checking)."""


@dataclass
class Outcome:
    kind: str  # "system", "capability", "usage", "integration"
    action: str  # "created", "updated", "unchanged"
    label: str
    identifier: str
    fields: tuple = ()

    @property
    def kind_label(self):
        return dict(KINDS)[self.kind]._meta.verbose_name


KINDS = (
    ("capability", Capability),
    ("system", System),
    ("usage", SystemUsage),
    ("integration", Integration),
)


@dataclass
class ImportResult:
    dry_run: bool
    outcomes: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    committed: bool = False

    def count(self, action, kind=None):
        return sum(
            1 for o in self.outcomes if o.action == action and (kind is None or o.kind == kind)
        )

    @property
    def summary(self):
        return {a: self.count(a) for a in ("created", "updated", "unchanged")} | {
            "errors": len(self.errors)
        }

    @property
    def by_kind(self):
        """[(verbose name, created, updated, unchanged)] for every kind of row."""
        return [
            (
                model._meta.verbose_name_plural,
                self.count("created", kind),
                self.count("updated", kind),
                self.count("unchanged", kind),
            )
            for kind, model in KINDS
        ]

    @property
    def ignored_items(self):
        """[(concept type, count)] of what the file holds outside the register, sorted."""
        return sorted(self.ignored.items())

    @property
    def changes(self):
        return [o for o in self.outcomes if o.action != "unchanged"]

    @property
    def changed(self):
        return any(o.action != "unchanged" for o in self.outcomes)


# --- Schema ----------------------------------------------------------------------------------
class _Schema(xmlschema.XMLSchema10):
    """The XSD 1.0 validator with its `validity` computed once: xmlschema recomputes it over
    every schema component for each identity-constraint field it evaluates, which made
    validating a register-sized file take minutes."""

    @functools.cached_property
    def validity(self):
        return xmlschema.XMLSchema10.validity.fget(self)


def _build_schema():
    xml_xsd = (SCHEMA_DIR / "xml.xsd").as_uri()
    return _Schema(
        str(SCHEMA_DIR / "archimate3_Diagram.xsd"),
        uri_mapper={
            "http://www.w3.org/2001/xml.xsd": xml_xsd,
            "http://www.w3.org/2001/03/xml.xsd": xml_xsd,
        },
        # Archi writes Dublin Core metadata (`dc:title` …), which the schema checks strictly.
        locations=[(DC_NS, str(SCHEMA_DIR / "dc.xsd"))],
        allow="local",
    )


@functools.cache
def schema():
    """The ArchiMate 3 exchange format schema (with views and diagrams), built from the XSDs
    shipped in `schemas/`: no network access, ever. Complete, identity constraints included."""
    return _build_schema()


@functools.cache
def _import_schema():
    """The same schema without the identity constraints of <model>: with their selectors over
    every element of the document (`.//archimate:*`) xmlschema needs minutes for a register of
    2,000 systems. `_key_errors` checks the same keys and references in one pass instead; the
    constraints of the views (scoped to each view) stay."""
    built = _build_schema()
    model = built.elements["model"]
    dropped = set(model.identities)
    model.identities = []
    for component in built.maps.iter_components():
        selected_by = getattr(component, "selected_by", None)
        if selected_by:
            selected_by.difference_update(dropped)
    return built


def _read_xml(data):
    """Parse the bytes safely (no DTD, no entities, no external resources)."""
    try:
        return xmlschema.XMLResource(io.BytesIO(data), allow="none", defuse="always")
    except XMLResourceParseError as exc:
        cause = exc.__cause__
        position = getattr(cause, "position", None)
        reason = re.sub(r":\s*line \d+, column \d+$", "", str(cause or exc))
        if position:
            message = _(
                "The file is not well-formed XML: %(reason)s at line %(line)s, column %(column)s."
            ) % {"reason": reason, "line": position[0], "column": position[1] + 1}
        else:
            message = _("The file is not well-formed XML: %(reason)s.") % {"reason": reason}
        raise ArchimateFileError([message]) from None
    except (XMLResourceForbidden, XMLResourceExceeded) as exc:
        raise ArchimateFileError(
            [
                _("The file declares a DTD or entities, which are refused for safety (%(reason)s).")
                % {"reason": exc}
            ]
        ) from None
    except XMLResourceError as exc:
        raise ArchimateFileError(
            [_("The file cannot be read as XML: %(reason)s.") % {"reason": exc}]
        ) from None


# The keys and key references of <model> in archimate3_Model.xsd: attribute (on any ArchiMate
# element) or reference element (its @ref) → the key it must name.
MODEL_KEYREFS = (
    ("propertyDefinitionRef", "propertyDefinitions"),
    ("elementRef", "elements"),
    ("relationshipRef", "relationships"),
    ("conceptRef", "concepts"),
    ("stereotypeRef", "stereotypes"),
)


def _key_errors(root):
    """The identity constraints of <model>: every reference names a concept of the right kind.
    (Uniqueness of the identifiers is checked by the schema: they are all of type xs:ID.)"""

    def ids(path):
        return {el.get("identifier") for el in root.iterfind(path) if el.get("identifier")}

    keys = {
        "elements": ids(f"{q('elements')}/{q('element')}"),
        "relationships": ids(f"{q('relationships')}/{q('relationship')}"),
        "propertyDefinitions": ids(f".//{q('propertyDefinition')}"),
        # archimate3_Model.xsd selects stereotypes by an unqualified path that matches nothing.
        "stereotypes": set(),
    }
    keys["concepts"] = keys["elements"] | keys["relationships"]
    messages = {
        "propertyDefinitions": _(
            "%(name)s refers to an unknown property definition %(identifier)s."
        ),
        "elements": _("%(name)s refers to an unknown element %(identifier)s."),
        "relationships": _("%(name)s refers to an unknown relationship %(identifier)s."),
        "concepts": _("%(name)s refers to an unknown element or relationship %(identifier)s."),
        "stereotypes": _("%(name)s refers to an unknown stereotype %(identifier)s."),
    }
    errors = []
    stack = [(root, root.get("identifier") or "model")]
    while stack and len(errors) < MAX_ERRORS:
        el, owner = stack.pop()
        if not isinstance(el.tag, str) or not el.tag.startswith(f"{{{NS}}}"):
            continue
        local = el.tag[len(NS) + 2 :]
        name = el.get("identifier") or f"<{local}> ({owner})"
        stack.extend((child, el.get("identifier") or owner) for child in reversed(el))
        if local == "relationship":
            for end, message in (
                (
                    "source",
                    _("Relationship %(relationship)s has an unknown source %(identifier)s."),
                ),
                (
                    "target",
                    _("Relationship %(relationship)s has an unknown target %(identifier)s."),
                ),
            ):
                ref = el.get(end)
                if ref is not None and ref not in keys["concepts"]:
                    errors.append(message % {"relationship": name, "identifier": repr(ref)})
        for attribute, key in MODEL_KEYREFS:
            ref = el.get("ref") if local == attribute else el.get(attribute)
            if ref is not None and ref not in keys[key]:
                errors.append(messages[key] % {"name": name, "identifier": repr(ref)})
    return errors


def _type_errors(root):
    """Concepts whose xsi:type the schema does not know (the validator cannot go on with them)."""
    types = _import_schema().maps.types
    errors = []
    for container, tag in (("elements", "element"), ("relationships", "relationship")):
        for index, el in enumerate(root.iterfind(f"{q(container)}/{q(tag)}"), start=1):
            kind = _concept_type(el)
            if kind and f"{{{NS}}}{kind}" not in types:
                errors.append(
                    _("Not valid against the ArchiMate schema at %(path)s: %(reason)s")
                    % {
                        "path": f"/model/{container}/{tag}[{index}] ({el.get('identifier')})",
                        "reason": _("unknown type %(type)s.") % {"type": repr(kind)},
                    }
                )
    return errors


def _schema_errors(resource):
    errors = _type_errors(resource.root)
    if errors:
        return errors[:MAX_ERRORS]
    try:
        found = _validate(resource)
    except XMLSchemaException as exc:  # e.g. an unknown xsi:type deeper down
        return [_("Not valid against the ArchiMate schema: %(reason)s") % {"reason": exc}]
    return found


def _validate(resource):
    errors = []
    for error in _import_schema().iter_errors(resource):
        identifier = None
        elem = getattr(error, "elem", None)
        if elem is not None and hasattr(elem, "get"):
            identifier = elem.get("identifier")
        where = error.path or "/"
        if identifier:
            where = f"{where} ({identifier})"
        errors.append(
            _("Not valid against the ArchiMate schema at %(path)s: %(reason)s")
            % {"path": where, "reason": error.reason or error.message}
        )
        if len(errors) >= MAX_ERRORS:
            break
    return errors


def validation_errors(data):
    """Every reason why `data` is not a valid exchange file (an empty list when it is)."""
    try:
        read_model(data)
    except ArchimateFileError as exc:
        return exc.messages
    return []


# --- Reading a file --------------------------------------------------------------------------
@dataclass
class Concept:
    identifier: str
    type: str
    name: str | None
    documentation: str | None
    properties: dict
    source: str | None = None
    target: str | None = None

    @property
    def label(self):
        return _("%(type)s “%(name)s” (%(identifier)s)") % {
            "type": self.type,
            "name": self.name or "",
            "identifier": self.identifier,
        }


@dataclass
class ParsedModel:
    identifier: str
    name: str | None
    elements: list
    relationships: list


def _lang_text(parent, tag):
    """The text of the `tag` child in our language, else without language, else the first."""
    found = parent.findall(q(tag))
    if not found:
        return None
    chosen = next((el for el in found if el.get(XML_LANG, "").lower().startswith(LANG)), None)
    chosen = chosen or next((el for el in found if el.get(XML_LANG) is None), found[0])
    return chosen.text or ""


def _concept_type(el):
    value = el.get(XSI_TYPE) or ""
    return value.rsplit(":", 1)[-1]


def _property_keys(root):
    """propertyDefinitionRef → our property key, for the definitions we understand."""
    keys = {}
    aliases = _prop_aliases()
    for definition in root.iterfind(f"{q('propertyDefinitions')}/{q('propertyDefinition')}"):
        identifier = definition.get("identifier")
        match = re.fullmatch(r"prop-(\w+)", identifier or "")
        if match and match.group(1) in PROPS:
            keys[identifier] = match.group(1)
            continue
        name = _lang_text(definition, "name")
        key = aliases.get(_norm(name or ""))
        if key:
            keys[identifier] = key
    return keys


def _concept(el, property_keys):
    properties = {}
    container = el.find(q("properties"))
    if container is not None:
        for prop in container.iterfind(q("property")):
            key = property_keys.get(prop.get("propertyDefinitionRef"))
            if key:
                properties[key] = (_lang_text(prop, "value") or "").strip()
    name = _lang_text(el, "name")
    return Concept(
        identifier=el.get("identifier"),
        type=_concept_type(el),
        name=name.strip() if name is not None else None,
        documentation=_lang_text(el, "documentation"),
        properties=properties,
        source=el.get("source"),
        target=el.get("target"),
    )


def read_model(data):
    """Parse and check an exchange file; raise ArchimateFileError naming what is wrong."""
    resource = _read_xml(data)
    root = resource.root
    if root.tag != q("model"):
        namespace, _sep, local = root.tag.lstrip("{").rpartition("}")
        raise ArchimateFileError(
            [
                _(
                    "The file is not an ArchiMate 3 exchange file: its root element is "
                    "<%(tag)s> in the namespace %(namespace)s, not <model> in %(expected)s."
                )
                % {"tag": local, "namespace": namespace or "–", "expected": NS}
            ]
        )
    errors = _key_errors(root) or _schema_errors(resource)
    if errors:
        raise ArchimateFileError(errors)
    keys = _property_keys(root)
    return ParsedModel(
        identifier=root.get("identifier"),
        name=_lang_text(root, "name"),
        elements=[_concept(el, keys) for el in root.iterfind(f"{q('elements')}/{q('element')}")],
        relationships=[
            _concept(el, keys) for el in root.iterfind(f"{q('relationships')}/{q('relationship')}")
        ],
    )


# --- Export ----------------------------------------------------------------------------------
SYSTEM_VALUES = ("pk", "name", "description", "owning_unit_id", "vendor__name", *SYSTEM_PROPS)


def _format(value):
    """A property value as text, or None for an empty one (left out of the file)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class _Writer:
    def __init__(self):
        self.used = set()
        self.root = ET.Element(
            q("model"),
            {"identifier": MODEL_ID, f"{{{XSI}}}schemaLocation": SCHEMA_LOCATION},
        )

    def text(self, parent, tag, value):
        el = ET.SubElement(parent, q(tag), {XML_LANG: LANG})
        el.text = value
        return el

    def concept(self, parent, tag, identifier, kind, name=None, documentation="", props=(), **a):
        el = ET.SubElement(parent, q(tag), {"identifier": identifier, **a, XSI_TYPE: kind})
        if name is not None:
            self.text(el, "name", name)
        if documentation:
            self.text(el, "documentation", documentation)
        values = [(key, _format(value)) for key, value in props]
        values = [(key, value) for key, value in values if value is not None]
        if values:
            container = ET.SubElement(el, q("properties"))
            for key, value in values:
                self.used.add(key)
                prop = ET.SubElement(
                    container, q("property"), {"propertyDefinitionRef": f"prop-{key}"}
                )
                self.text(prop, "value", value)
        return el

    def relationship(self, parent, identifier, kind, source, target, **kwargs):
        return self.concept(
            parent, "relationship", identifier, kind, source=source, target=target, **kwargs
        )


def export_model():
    """The whole register as an exchange file (bytes, UTF-8), in six queries."""
    systems = list(System.objects.order_by("pk").values(*SYSTEM_VALUES))
    capabilities = list(
        Capability.objects.order_by("pk").values("pk", "name", "description", "parent_id")
    )
    realizations = list(
        System.capabilities.through.objects.order_by("system_id", "capability_id").values_list(
            "system_id", "capability_id"
        )
    )
    usages = list(SystemUsage.objects.order_by("pk").values("pk", "system_id", "unit_id", "users"))
    integrations = list(
        Integration.objects.order_by("pk").values(
            "pk", "source_id", "target_id", "information", "description", *FLOW_PROPS
        )
    )
    wanted = {s["owning_unit_id"] for s in systems} | {u["unit_id"] for u in usages}
    units = [
        unit
        for unit in OrgUnit.objects.order_by("pk").values(
            "pk", "name", "cost_centre", "organisation__name"
        )
        if unit["pk"] in wanted
    ]

    prefix = identifier_prefix()
    w = _Writer()
    root = w.root
    w.text(root, "name", f"{settings.PORTAL_NAME}: systemregister – {settings.PORTAL_OWNER}")
    w.text(
        root,
        "documentation",
        f"Systemregistret i {settings.PORTAL_NAME} ({settings.PORTAL_OWNER}): system, "
        "integrationer, förmågor och de enheter som äger och använder systemen.",
    )
    if systems or capabilities:
        elements = ET.SubElement(root, q("elements"))
        for s in systems:
            props = [(key, s["vendor__name" if key == "vendor" else key]) for key in SYSTEM_PROPS]
            w.concept(
                elements,
                "element",
                f"{prefix}sys-{s['pk']}",
                APPLICATION_COMPONENT,
                s["name"],
                s["description"],
                props,
            )
        for c in capabilities:
            w.concept(
                elements,
                "element",
                f"{prefix}cap-{c['pk']}",
                CAPABILITY,
                c["name"],
                c["description"],
            )
        for u in units:
            w.concept(
                elements,
                "element",
                f"{prefix}unit-{u['pk']}",
                BUSINESS_ACTOR,
                u["name"],
                props=[
                    ("cost_centre", u["cost_centre"]),
                    ("organisation", u["organisation__name"]),
                ],
            )
    if systems or capabilities:
        rels = ET.Element(q("relationships"))
        for s in systems:
            w.relationship(
                rels,
                f"{prefix}own-{s['pk']}",
                "Association",
                f"{prefix}unit-{s['owning_unit_id']}",
                f"{prefix}sys-{s['pk']}",
                name=OWNER_NAME,
            )
        for u in usages:
            w.relationship(
                rels,
                f"{prefix}use-{u['pk']}",
                "Serving",
                f"{prefix}sys-{u['system_id']}",
                f"{prefix}unit-{u['unit_id']}",
                props=[("users", u["users"])],
            )
        for c in capabilities:
            if c["parent_id"]:
                w.relationship(
                    rels,
                    f"{prefix}comp-{c['pk']}",
                    "Composition",
                    f"{prefix}cap-{c['parent_id']}",
                    f"{prefix}cap-{c['pk']}",
                )
        for system_id, capability_id in realizations:
            w.relationship(
                rels,
                f"{prefix}real-{system_id}-{capability_id}",
                "Realization",
                f"{prefix}sys-{system_id}",
                f"{prefix}cap-{capability_id}",
            )
        for i in integrations:
            w.relationship(
                rels,
                f"{prefix}flow-{i['pk']}",
                "Flow",
                f"{prefix}sys-{i['source_id']}",
                f"{prefix}sys-{i['target_id']}",
                name=i["information"],
                documentation=i["description"],
                props=[(key, i[key]) for key in FLOW_PROPS],
            )
        if len(rels):
            root.append(rels)
    if w.used:
        definitions = ET.SubElement(root, q("propertyDefinitions"))
        for prop in PROPS.values():
            if prop.key in w.used:
                el = ET.SubElement(
                    definitions,
                    q("propertyDefinition"),
                    {"identifier": prop.identifier, "type": prop.type},
                )
                w.text(el, "name", prop.name)
    ET.indent(root, space="  ")
    out = io.BytesIO()
    # Again here: another library (WeasyPrint's PDF metadata) may have re-registered the empty
    # prefix in ElementTree's process-wide map since this module was imported.
    ET.register_namespace("", NS)
    ET.ElementTree(root).write(out, encoding="UTF-8", xml_declaration=True)
    return out.getvalue()


def export_counts():
    """How many of each kind an export holds (for the command's summary)."""
    return {
        System._meta.verbose_name_plural: System.objects.count(),
        Capability._meta.verbose_name_plural: Capability.objects.count(),
        SystemUsage._meta.verbose_name_plural: SystemUsage.objects.count(),
        Integration._meta.verbose_name_plural: Integration.objects.count(),
    }


# --- Import ----------------------------------------------------------------------------------
def find_unit(reference):
    """The unit a command-line or form reference names: a cost centre, an id, or `id:<pk>`."""
    reference = (reference or "").strip()
    if not reference:
        return None
    if reference.lower().startswith("id:"):
        pk = reference[3:].strip()
        unit = OrgUnit.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if unit is None:
            raise ValidationError(_("There is no unit with the id %(id)s.") % {"id": pk})
        return unit
    units = list(OrgUnit.objects.filter(cost_centre=reference)[:2])
    if len(units) == 1:
        return units[0]
    if len(units) > 1:
        raise ValidationError(
            _("Several units have the cost centre %(reference)s; give the unit as id:<id>.")
            % {"reference": reference}
        )
    if reference.isdigit():
        unit = OrgUnit.objects.filter(pk=int(reference)).first()
        if unit:
            return unit
    raise ValidationError(
        _("There is no unit with the cost centre or id %(reference)s.") % {"reference": reference}
    )


def _text_same(a, b):
    return (a or "").replace("\r\n", "\n") == (b or "").replace("\r\n", "\n")


def _messages(exc, model):
    """A ValidationError (or IntegrityError) as one line, fields by their verbose names."""
    if not isinstance(exc, ValidationError):
        return str(exc)
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        try:
            label = str(model._meta.get_field(name).verbose_name)
        except Exception:
            label = None
        for message in errors:
            parts.append(f"{label}: {message}" if label else message)
    return " ".join(parts)


def _prime(obj, **related):
    """Give a stored row the related objects already at hand (for its str() without queries)."""
    for name, value in related.items():
        if getattr(obj, f"{name}_id") == value.pk:
            setattr(obj, name, value)


class _Importer:
    def __init__(self, model, *, actor, result, default_unit=None):
        self.model = model
        self.actor = actor
        self.result = result
        self.default_unit = default_unit
        self.by_id = {c.identifier: c for c in model.elements}
        self.units = {}  # BusinessActor identifier → OrgUnit
        self.capabilities = {}  # Capability identifier → Capability
        self.systems = {}  # ApplicationComponent identifier → System
        self.claimed = {}  # (model, pk) → identifier that matched it

    # helpers
    def error(self, concept, message):
        text = f"{concept.label}: {message}" if concept is not None else message
        self.result.errors.append(text)

    def outcome(self, kind, action, concept, obj, fields=()):
        model = dict(KINDS)[kind]
        labels = []
        for name in fields:
            try:
                labels.append(str(model._meta.get_field(name).verbose_name))
            except Exception:
                labels.append(name)
        self.result.outcomes.append(
            Outcome(kind, action, str(obj), concept.identifier, tuple(labels))
        )

    def claim(self, concept, obj):
        key = (type(obj), obj.pk)
        other = self.claimed.setdefault(key, concept.identifier)
        if other != concept.identifier:
            raise _Problem(
                _("describes the same %(kind)s as %(other)s.")
                % {"kind": obj._meta.verbose_name, "other": other}
            )

    def parse(self, concept, key):
        """The typed value of a property of the concept (raises _Problem when it is wrong)."""
        raw = concept.properties[key]
        prop = PROPS[key]
        try:
            if prop.choices is not None:
                code = _choice_values(prop.choices).get(_norm(raw))
                if code is None:
                    raise ValueError
                return code
            if prop.type == "boolean":
                value = _norm(raw)
                if value in ("true", "1", "yes", "ja", "sant"):
                    return True
                if value in ("false", "0", "no", "nej", "falskt", ""):
                    return False
                raise ValueError
            if prop.type == "date":
                return date.fromisoformat(raw) if raw else None
            if prop.type == "currency":
                amount = Decimal(raw.replace(" ", "").replace(",", ".")) if raw else Decimal(0)
                if not amount.is_finite():  # NaN, Infinity: neither comparable nor storable
                    raise ValueError
                return amount
            if prop.type == "number":
                return int(raw) if raw else 0
        except (ValueError, InvalidOperation):
            expected = ""
            if prop.choices is not None:
                expected = " " + _("(one of %(values)s)") % {
                    "values": ", ".join(prop.choices.values)
                }
            raise _Problem(
                _(
                    "the property %(property)s has the value %(value)s, which is not "
                    "valid%(expected)s."
                )
                % {"property": prop.name, "value": repr(raw), "expected": expected}
            ) from None
        return raw

    def write(self, concept, kind, obj, *, created, changed=None, m2m=None):
        """Create or update through the register's services; record the outcome or error."""
        try:
            if created:
                services.record_create(obj, actor=self.actor, m2m=m2m)
            elif changed or m2m:
                services.record_update(obj, actor=self.actor, data=changed, m2m=m2m)
        except (ValidationError, IntegrityError) as exc:
            self.error(concept, _messages(exc, type(obj)))
            return False
        fields = tuple(changed or ()) + tuple(m2m or ())
        action = "created" if created else "updated" if fields else "unchanged"
        self.outcome(kind, action, concept, obj, () if created else fields)
        return True

    @staticmethod
    def diff(obj, data):
        changed = {}
        for name, value in data.items():
            f = obj._meta.get_field(name)
            if f.is_relation:
                same = getattr(obj, f.attname) == (value.pk if value is not None else None)
            elif isinstance(value, str):
                same = _text_same(getattr(obj, name), value)
            else:
                same = getattr(obj, name) == value
            if not same:
                changed[name] = value
        return changed

    # steps
    def run(self):
        self.classify()
        self.resolve_units()
        self.import_capabilities()
        self.import_systems()
        self.import_usages()
        self.import_integrations()

    def classify(self):
        by_type = defaultdict(list)
        for concept in self.model.elements:
            by_type[concept.type].append(concept)
        self.system_concepts = by_type.pop(APPLICATION_COMPONENT, [])
        self.actor_concepts = by_type.pop(BUSINESS_ACTOR, [])
        self.capability_concepts = by_type.pop(CAPABILITY, [])
        for kind, concepts in by_type.items():
            self.result.ignored[kind] += len(concepts)
        self.flows, self.usages = [], []
        self.owners = defaultdict(list)  # system identifier → [actor identifiers]
        self.realizations = defaultdict(list)  # system identifier → [capability identifiers]
        self.parents = defaultdict(list)  # capability identifier → [parent identifiers]
        for rel in self.model.relationships:
            source, target = self.by_id.get(rel.source), self.by_id.get(rel.target)
            ends = (source.type if source else None, target.type if target else None)
            if rel.type == "Flow" and ends == (APPLICATION_COMPONENT, APPLICATION_COMPONENT):
                self.flows.append(rel)
            elif rel.type == "Serving" and ends == (APPLICATION_COMPONENT, BUSINESS_ACTOR):
                self.usages.append(rel)
            elif (
                rel.type == "Assignment"
                or (rel.type == "Association" and _norm(rel.name or "") in OWNER_NAMES)
            ) and set(ends) == {APPLICATION_COMPONENT, BUSINESS_ACTOR}:
                if ends[0] == BUSINESS_ACTOR:
                    self.owners[rel.target].append(rel.source)
                else:
                    self.owners[rel.source].append(rel.target)
            elif rel.type == "Realization" and ends == (APPLICATION_COMPONENT, CAPABILITY):
                self.realizations[rel.source].append(rel.target)
            elif rel.type in ("Composition", "Aggregation") and ends == (CAPABILITY, CAPABILITY):
                self.parents[rel.target].append(rel.source)
            else:
                self.result.ignored[f"{rel.type} ({' → '.join(t or '?' for t in ends)})"] += 1

    def resolve_units(self):
        needed = {rel.target for rel in self.usages}
        for actors in self.owners.values():
            needed.update(actors)
        unreferenced = 0
        for concept in self.actor_concepts:
            if concept.identifier not in needed:
                unreferenced += 1
                continue
            try:
                self.units[concept.identifier] = self.match_unit(concept)
            except _Problem as exc:
                self.error(concept, str(exc))
        if unreferenced:
            self.result.ignored[BUSINESS_ACTOR] += unreferenced

    def match_unit(self, concept):
        pk = _our_pk(concept.identifier, "unit")
        if pk is not None:
            unit = OrgUnit.objects.filter(pk=pk).first()
            if unit is not None:
                return unit
        units = OrgUnit.objects.all()
        organisation = concept.properties.get("organisation")
        if organisation:
            units = units.filter(organisation__name=organisation)
        cost_centre = concept.properties.get("cost_centre")
        if cost_centre:
            found = list(units.filter(cost_centre=cost_centre)[:2])
            if len(found) == 1:
                return found[0]
        found = list(units.filter(name=concept.name or "")[:3])
        if len(found) == 1:
            return found[0]
        if found:
            raise _Problem(
                _(
                    "several org units are named %(name)s; add the property %(property)s with "
                    "the unit's cost centre."
                )
                % {"name": repr(concept.name), "property": PROPS["cost_centre"].name}
            )
        raise _Problem(
            _(
                "no org unit in the organisation register matches it (by identifier, cost "
                "centre or name). Units are not created by the import: add the unit first."
            )
        )

    # capabilities
    def import_capabilities(self):
        concepts = {c.identifier: c for c in self.capability_concepts}
        parent_of = {}
        for concept in self.capability_concepts:
            parents = sorted(set(self.parents.get(concept.identifier, ())))
            if len(parents) > 1:
                self.error(
                    concept,
                    _(
                        "it lies below several capabilities (%(parents)s); a capability "
                        "has one parent."
                    )
                    % {"parents": ", ".join(parents)},
                )
                continue
            parent_of[concept.identifier] = parents[0] if parents else None
        # Parents before children; a chain that ends in a cycle or a failed parent fails.
        order, state = [], {}
        for start in parent_of:
            chain, node = [], start
            while node is not None and node not in state:
                if node in chain:
                    cycle = [*chain[chain.index(node) :], node]
                    self.error(
                        concepts[node],
                        _("the capabilities %(cycle)s lie below each other in a cycle.")
                        % {"cycle": " → ".join(cycle)},
                    )
                    break
                if node not in parent_of:
                    break  # its parent could not be read: reported there
                chain.append(node)
                node = parent_of[node]
            ok = node is None or state.get(node) == "done"
            for identifier in reversed(chain):
                state[identifier] = "done" if ok else "failed"
                if ok:
                    order.append(identifier)
        by_name = defaultdict(list)
        for capability in Capability.objects.all():
            by_name[capability.name].append(capability)
        by_pk = {c.pk: c for cs in by_name.values() for c in cs}
        for identifier in order:
            concept = concepts[identifier]
            parent_identifier = parent_of[identifier]
            parent = self.capabilities.get(parent_identifier) if parent_identifier else None
            if parent_identifier and parent is None:
                continue  # the parent failed: reported there
            try:
                self.import_capability(concept, parent, parent_identifier, by_pk, by_name)
            except _Problem as exc:
                self.error(concept, str(exc))

    def import_capability(self, concept, parent, parent_identifier, by_pk, by_name):
        if not concept.name:
            raise _Problem(_("it has no name."))
        capability = by_pk.get(_our_pk(concept.identifier, "cap"))
        if capability is None:
            candidates = by_name.get(concept.name, [])
            if len(candidates) > 1:
                parent_pk = parent.pk if parent else None
                candidates = [c for c in candidates if c.parent_id == parent_pk]
                if len(candidates) > 1:
                    raise _Problem(
                        _("several capabilities are named %(name)s; it cannot tell which one.")
                        % {"name": repr(concept.name)}
                    )
            capability = candidates[0] if candidates else None
        data = {"name": concept.name}
        if concept.documentation is not None:
            data["description"] = concept.documentation
        if parent_identifier:
            data["parent"] = parent
        if capability is None:
            capability = Capability(**data)
            if self.write(concept, "capability", capability, created=True):
                by_name[capability.name].append(capability)
                by_pk[capability.pk] = capability
                self.claim(concept, capability)
                self.capabilities[concept.identifier] = capability
            return
        self.claim(concept, capability)
        if self.write(
            concept, "capability", capability, created=False, changed=self.diff(capability, data)
        ):
            self.capabilities[concept.identifier] = capability

    # systems
    def import_systems(self):
        systems = {s.pk: s for s in System.objects.all()}
        by_name = {s.name: s for s in systems.values()}
        self.system_capabilities = defaultdict(set)
        for system_id, capability_id in System.capabilities.through.objects.values_list(
            "system_id", "capability_id"
        ):
            self.system_capabilities[system_id].add(capability_id)
        vendor_names = {
            c.properties["vendor"] for c in self.system_concepts if c.properties.get("vendor")
        }
        self.vendors = defaultdict(list)
        for vendor in Vendor.objects.filter(name__in=vendor_names):
            self.vendors[vendor.name].append(vendor)
        for concept in self.system_concepts:
            try:
                self.import_system(concept, systems, by_name)
            except _Problem as exc:
                self.error(concept, str(exc))

    def system_data(self, concept):
        if not concept.name:
            raise _Problem(_("it has no name."))
        data = {"name": concept.name}
        if concept.documentation is not None:
            data["description"] = concept.documentation
        for key in SYSTEM_PROPS:
            if key not in concept.properties:
                continue
            if key == "vendor":
                data["vendor"] = self.vendor(concept.properties[key])
            elif key == "hosting_country":
                data[key] = concept.properties[key].upper()
            else:
                data[key] = self.parse(concept, key)
        return data

    def vendor(self, name):
        if not name:
            return None
        found = self.vendors.get(name, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise _Problem(
                _("several vendors are named %(name)s in the organisation register.")
                % {"name": repr(name)}
            )
        raise _Problem(
            _("there is no vendor named %(name)s in the organisation register.")
            % {"name": repr(name)}
        )

    def owner(self, concept):
        actors = self.owners.get(concept.identifier, [])
        if any(a not in self.units for a in actors):
            raise _Problem(_("its owning unit could not be matched (see above)."))
        units = {self.units[a].pk: self.units[a] for a in actors}
        if len(units) > 1:
            raise _Problem(
                _("it has several owning units (%(units)s); a system has one.")
                % {"units": ", ".join(sorted(str(u) for u in units.values()))}
            )
        return next(iter(units.values()), None)

    def import_system(self, concept, systems, by_name):
        data = self.system_data(concept)
        owner = self.owner(concept)
        capabilities = []
        for identifier in self.realizations.get(concept.identifier, ()):
            if identifier not in self.capabilities:
                raise _Problem(
                    _("its capability %(identifier)s could not be imported (see above).")
                    % {"identifier": identifier}
                )
            capabilities.append(self.capabilities[identifier])
        system = systems.get(_our_pk(concept.identifier, "sys")) or by_name.get(concept.name)
        if system is None:
            owner = owner or self.default_unit
            if owner is None:
                raise _Problem(
                    _(
                        "a new system needs an owning unit: add an Association named "
                        "“%(name)s” (or an Assignment) from a BusinessActor to it, or give a "
                        "default unit."
                    )
                    % {"name": OWNER_NAME}
                )
            system = System(**data, owning_unit=owner)
            m2m = {"capabilities": capabilities} if capabilities else None
            if self.write(concept, "system", system, created=True, m2m=m2m):
                self.claim(concept, system)
                systems[system.pk] = by_name[system.name] = system
                self.systems[concept.identifier] = system
            return
        self.claim(concept, system)
        if owner is not None:
            data["owning_unit"] = owner
        changed = self.diff(system, data)
        have = self.system_capabilities[system.pk]
        wanted = have | {c.pk for c in capabilities}
        m2m = {"capabilities": sorted(wanted)} if wanted != have else None
        old_name = system.name
        if self.write(concept, "system", system, created=False, changed=changed, m2m=m2m):
            if system.name != old_name:
                by_name.pop(old_name, None)
                by_name[system.name] = system
            self.system_capabilities[system.pk] = wanted
            self.systems[concept.identifier] = system

    # usages
    def import_usages(self):
        existing = {u.pk: u for u in SystemUsage.objects.all()}
        by_key = {(u.system_id, u.unit_id): u for u in existing.values()}
        for rel in self.usages:
            system, unit = self.systems.get(rel.source), self.units.get(rel.target)
            if system is None or unit is None:
                continue  # reported with the element
            try:
                data = {"system": system, "unit": unit}
                if "users" in rel.properties:
                    data["users"] = self.parse(rel, "users")
                usage = existing.get(_our_pk(rel.identifier, "use")) or by_key.get(
                    (system.pk, unit.pk)
                )
                if usage is None:
                    usage = SystemUsage(**data)
                    if self.write(rel, "usage", usage, created=True):
                        self.claim(rel, usage)
                        by_key[(system.pk, unit.pk)] = usage
                    continue
                self.claim(rel, usage)
                _prime(usage, system=system, unit=unit)
                self.write(rel, "usage", usage, created=False, changed=self.diff(usage, data))
            except _Problem as exc:
                self.error(rel, str(exc))

    # integrations
    def import_integrations(self):
        existing = {i.pk: i for i in Integration.objects.all()}
        by_key = {(i.source_id, i.target_id, i.information): i for i in existing.values()}
        for rel in self.flows:
            source, target = self.systems.get(rel.source), self.systems.get(rel.target)
            if source is None or target is None:
                continue
            try:
                self.import_integration(rel, source, target, existing, by_key)
            except _Problem as exc:
                self.error(rel, str(exc))

    def import_integration(self, rel, source, target, existing, by_key):
        integration = existing.get(_our_pk(rel.identifier, "flow"))
        information = rel.name or (integration.information if integration else "")
        if not information:
            raise _Problem(_("a Flow needs a name: the information that flows (e.g. “Invoices”)."))
        if integration is None:
            integration = by_key.get((source.pk, target.pk, information))
        data = {"source": source, "target": target, "information": information}
        if rel.documentation is not None:
            data["description"] = rel.documentation
        for key in FLOW_PROPS:
            if key in rel.properties:
                data[key] = self.parse(rel, key)
        if integration is None:
            if "technology" not in data:
                raise _Problem(
                    _("a new integration needs the property %(property)s (one of %(values)s).")
                    % {
                        "property": PROPS["technology"].name,
                        "values": ", ".join(Technology.values),
                    }
                )
            integration = Integration(**data)
            if self.write(rel, "integration", integration, created=True):
                self.claim(rel, integration)
                by_key[(source.pk, target.pk, information)] = integration
            return
        self.claim(rel, integration)
        _prime(integration, source=source, target=target)
        self.write(
            rel, "integration", integration, created=False, changed=self.diff(integration, data)
        )


def import_model(data, *, actor, dry_run=False, default_unit=None):
    """Import an exchange file (bytes) in one transaction; return an ImportResult.

    Raises ArchimateFileError when the file is not XML, not valid against the schema or refers
    to unknown elements. Problems with single concepts are collected in `result.errors`; then,
    as in a dry run, the whole transaction is rolled back and nothing is written.
    """
    model = read_model(data)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        _Importer(model, actor=actor, result=result, default_unit=default_unit).run()
        if result.errors or dry_run:
            transaction.set_rollback(True)
        else:
            result.committed = True
    return result
