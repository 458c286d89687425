"""Property-based API tests: schemathesis generates requests from our own OpenAPI schema and
runs them in-process against the WSGI app, as an IT administrator with an API token.

Every documented operation is exercised (`response_schema_conformance`: a documented response
must match the schema; `not_a_server_error`: never a 5xx), first with invalid (negative), then
with valid (positive) data. Positive cases are aimed at real rows, often refer to real related
rows and carry the row's current version, so that they get past validation and the optimistic
lock and reach the services. Failures of all operations are collected and reported together,
with the server's traceback for a 5xx.
"""

import traceback

import pytest
import schemathesis
from django.core.signals import got_request_exception
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from itportal.core.testing import OrgUnitFactory, PersonFactory, VendorFactory, org_number
from itportal.organisation.models import (
    Body,
    BodyMembership,
    Organisation,
    OrgUnit,
    Person,
    Vendor,
    VendorContact,
)

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES_PER_OPERATION = {GenerationMode.POSITIVE: 15, GenerationMode.NEGATIVE: 8}
# Deletes last (they remove the rows the other operations are aimed at), dependants first.
METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
DELETE_ORDER = (
    "/api/memberships/{id}/",
    "/api/vendor-contacts/{id}/",
    "/api/people/{id}/",
    "/api/units/{id}/",
    "/api/bodies/{id}/",
    "/api/vendors/{id}/",
    "/api/organisations/{id}/",
)

MODEL_OF_PATH = {
    "/api/organisations/{id}/": Organisation,
    "/api/units/{id}/": OrgUnit,
    "/api/people/{id}/": Person,
    "/api/vendors/{id}/": Vendor,
    "/api/vendor-contacts/{id}/": VendorContact,
    "/api/bodies/{id}/": Body,
    "/api/memberships/{id}/": BodyMembership,
}


@pytest.fixture
def targets(org, users):
    """One real row per model for the detail operations (each its own, so deletes can succeed)."""
    organisation = org["organisation"]
    unit = OrgUnitFactory(parent=org["it_office"], name="Schemaenheten")
    person = PersonFactory(unit=unit)
    vendor = VendorFactory()
    body = Body.objects.create(
        name="Schemagruppen", kind="steering_group", organisation=organisation
    )
    return {
        Organisation: Organisation.objects.create(
            name="Schemabolaget AB", kind="company", org_number=org_number()
        ),
        OrgUnit: OrgUnitFactory(parent=unit, name="Schemagruppen IT"),
        Person: PersonFactory(unit=unit),
        Vendor: vendor,
        VendorContact: VendorContact.objects.create(vendor=vendor, name="Kim Kontakt"),
        Body: body,
        BodyMembership: BodyMembership.objects.create(body=body, person=person),
    }


@pytest.fixture
def server_errors():
    """Tracebacks of the exceptions behind 5xx answers, so that a failure shows its cause."""
    seen = []

    def record(sender, request=None, **kwargs):
        seen.append(traceback.format_exc())

    got_request_exception.connect(record)
    yield seen
    got_request_exception.disconnect(record)


def foreign_keys():
    """Real primary keys for the request fields that refer to other rows."""
    units = list(OrgUnit.objects.values_list("pk", flat=True))
    people = list(Person.objects.values_list("pk", flat=True))
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    return {
        "organisation": organisations,
        "owner": organisations,
        "parent": units,
        "unit": units,
        "manager": people,
        "person": people,
        "vendor": list(Vendor.objects.values_list("pk", flat=True)),
        "body": list(Body.objects.values_list("pk", flat=True)),
    }


def exercise(operation, mode, *, auth, target, server_errors):
    """Run generated cases of one operation; return (statuses seen, failure reports).

    Generated bodies refer to random ids, which the API rightly refuses; so that requests also
    get through to the services, foreign keys are often replaced by real ones and updates often
    carry the row's current version.
    """
    model = type(target) if target is not None else None
    # Cases aim at a real row, except negative ones without a body, whose only invalid part
    # can be the id itself.
    positive = mode is GenerationMode.POSITIVE
    aimed = target is not None and (positive or operation.method.upper() in ("PUT", "PATCH"))
    path_parameters = {"id": target.pk} if aimed else None
    choices = foreign_keys()
    statuses, failures = [], []

    @settings(
        max_examples=EXAMPLES_PER_OPERATION[mode],
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters),
        data=st.data(),
    )
    def run(case, data):
        body = case.body
        if positive and isinstance(body, dict):
            for name in sorted(body):
                if choices.get(name) and data.draw(st.booleans(), label=f"real {name}"):
                    body[name] = data.draw(st.sampled_from(choices[name]), label=name)
            if model is not None and data.draw(st.booleans(), label="current version"):
                stored = model.objects.filter(pk=target.pk).values_list("version", flat=True)
                if stored:
                    body["version"] = stored[0]
        errors_before = len(server_errors)
        response = case.call(headers=auth)
        statuses.append(response.status_code)
        try:
            case.validate_response(response, checks=CHECKS, headers=auth)
        except FailureGroup as exc:
            cause = "".join(server_errors[errors_before:])
            failures.append(f"{operation.label} ({mode.value}): {exc.message}\n{cause}")

    run()
    return sorted(set(statuses)), failures


@pytest.mark.django_db(transaction=True)
def test_it_conforms_to_its_own_schema_and_never_fails_with_a_server_error(
    targets, users, server_errors
):
    app = get_wsgi_application()
    token = Token.objects.create(user=users["admin"])
    auth = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=auth)

    operations = sorted(
        (result.ok() for result in schema.get_all_operations()),
        key=lambda op: (
            METHOD_ORDER[op.method.upper()],
            DELETE_ORDER.index(op.path) if op.path in DELETE_ORDER else -1,
            op.path,
        ),
    )
    assert len(operations) >= 7 * 6, [op.label for op in operations]
    failures, exercised = [], {}
    for mode in (GenerationMode.NEGATIVE, GenerationMode.POSITIVE):
        for operation in operations:
            target = targets.get(MODEL_OF_PATH.get(operation.path))
            statuses, found = exercise(
                operation, mode, auth=auth, target=target, server_errors=server_errors
            )
            exercised[f"{operation.label} ({mode.value})"] = statuses
            failures.extend(found)

    assert not failures, "\n\n".join(failures[:10])
    # The run reached the services, not only the validation in front of them.
    successes = [label for label, statuses in exercised.items() if any(s < 300 for s in statuses)]
    assert len(successes) >= 30, exercised
