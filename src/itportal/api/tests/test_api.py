"""The REST API over the organisation register: CRUD, filters, pagination, optimistic locking,
audit rows, validation through the services and the same rights as the pages."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from rest_framework.authtoken.models import Token

from itportal.core.models import ObjectChange
from itportal.core.testing import OrgUnitFactory, PersonFactory, org_number
from itportal.organisation.models import Organisation, OrgUnit, Person

UNITS = "/api/units/"
PEOPLE = "/api/people/"
ORGANISATIONS = "/api/organisations/"


def token_client(user):
    """A client that authenticates with `Authorization: Token …` only (no session)."""
    token, _ = Token.objects.get_or_create(user=user)
    return Client(headers={"Authorization": f"Token {token.key}"})


@pytest.fixture
def api(users):
    """The IT administrator's API client, with token authentication."""
    return token_client(users["admin"])


def changes_of(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return ObjectChange.objects.filter(content_type=content_type, object_id=str(obj.pk))


def unit_payload(org, **extra):
    return {
        "organisation": org["organisation"].pk,
        "parent": org["it_office"].pk,
        "name": "Servicedesken",
        "kind": "unit",
        "cost_centre": "7710",
        **extra,
    }


# --- Authentication --------------------------------------------------------------------------
def test_it_obtains_a_token_with_username_and_password(users, password):
    response = Client().post(
        "/api/auth/token/",
        {"username": "admin", "password": password},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=users["admin"]).key


def test_it_refuses_a_token_for_a_wrong_password(users):
    response = Client().post(
        "/api/auth/token/", {"username": "admin", "password": "wrong-password"}
    )

    assert response.status_code == 400
    assert not Token.objects.filter(user=users["admin"]).exists()


def test_it_accepts_token_and_session_authentication_alike(org, users, api, client_for):
    session = client_for("admin")

    by_token = api.get(UNITS)
    by_session = session.get(UNITS)
    assert by_token.status_code == by_session.status_code == 200
    assert by_token.json() == by_session.json()

    created = session.post(UNITS, unit_payload(org), content_type="application/json")
    assert created.status_code == 201, created.content
    unit_url = f"{UNITS}{created.json()['id']}/"
    patched = api.patch(unit_url, {"headcount": 3, "version": 1}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert session.get(unit_url).json()["headcount"] == 3


def test_it_requires_the_csrf_token_for_session_writes_but_not_for_token_writes(org, users):
    session = Client(enforce_csrf_checks=True)
    session.force_login(users["admin"])
    token = token_client(users["admin"])

    refused = session.post(UNITS, unit_payload(org), content_type="application/json")
    accepted = token.post(UNITS, unit_payload(org), content_type="application/json")

    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert accepted.status_code == 201


def test_it_refuses_anonymous_callers_everywhere(org):
    anonymous = Client()

    for url in (UNITS, PEOPLE, f"{UNITS}{org['it_office'].pk}/", "/api/", "/api/schema/"):
        assert anonymous.get(url).status_code in (401, 403), url
    assert anonymous.post(
        UNITS, unit_payload(org), content_type="application/json"
    ).status_code in (
        401,
        403,
    )
    assert not OrgUnit.objects.filter(name="Servicedesken").exists()


# --- CRUD ------------------------------------------------------------------------------------
def test_it_creates_reads_updates_and_deletes_an_org_unit(org, api):
    created = api.post(UNITS, unit_payload(org), content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    unit = OrgUnit.objects.get(pk=body["id"])
    assert body["version"] == 1
    assert body["url"] == f"/org/units/{unit.pk}/"
    assert body["path"] == f"{org['it_office'].path}{unit.pk}/"
    assert body["depth"] == org["it_office"].depth + 1

    read = api.get(f"{UNITS}{unit.pk}/")
    assert read.status_code == 200
    assert read.json()["name"] == "Servicedesken"

    updated = api.patch(
        f"{UNITS}{unit.pk}/",
        {"name": "Service desk", "version": 1},
        content_type="application/json",
    )
    assert updated.status_code == 200, updated.content
    assert updated.json()["version"] == 2
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("Service desk", 2)

    replaced = api.put(
        f"{UNITS}{unit.pk}/",
        unit_payload(org, name="Servicedesk", headcount=4, version=2),
        content_type="application/json",
    )
    assert replaced.status_code == 200, replaced.content
    unit.refresh_from_db()
    assert (unit.name, unit.headcount, unit.version) == ("Servicedesk", 4, 3)

    deleted = api.delete(f"{UNITS}{unit.pk}/?version=3")
    assert deleted.status_code == 204
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()
    assert list(changes_of(unit).values_list("action", flat=True)) == [
        "delete",
        "update",
        "update",
        "create",
    ]


def test_it_moves_a_unit_with_its_subtree_when_the_parent_changes(org, api):
    office = org["it_office"]

    response = api.patch(
        f"{UNITS}{org['administration'].pk}/",
        {"parent": org["school"].pk, "version": org["administration"].version},
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    office.refresh_from_db()
    assert office.path == f"{org['school'].path}{org['administration'].pk}/{office.pk}/"
    assert office.depth == 3


def test_it_creates_updates_and_deletes_a_person(org, api):
    created = api.post(
        PEOPLE,
        {
            "first_name": "Sara",
            "last_name": "Lind",
            "email": "Sara.Lind@Norrsjo.se",
            "unit": org["it_office"].pk,
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    person = Person.objects.get(pk=created.json()["id"])
    assert person.email == "sara.lind@norrsjo.se"  # normalised by the model's clean()

    updated = api.patch(
        f"{PEOPLE}{person.pk}/",
        {"title": "Systemförvaltare", "unit": org["school"].pk, "version": 1},
        content_type="application/json",
    )
    assert updated.status_code == 200, updated.content
    person.refresh_from_db()
    assert (person.title, person.unit, person.version) == ("Systemförvaltare", org["school"], 2)

    missing = api.delete(f"{PEOPLE}{person.pk}/")
    assert missing.status_code == 400 and "version" in missing.json()
    assert api.delete(f"{PEOPLE}{person.pk}/?version=2").status_code == 204
    assert not Person.objects.filter(pk=person.pk).exists()


def test_it_gives_404_for_an_unknown_or_malformed_id(org, api):
    assert api.get(f"{UNITS}999999/").status_code == 404
    assert api.get(f"{UNITS}abc/").status_code == 404
    assert (
        api.patch(f"{PEOPLE}999999/", {"version": 1}, content_type="application/json").status_code
        == 404
    )


# --- Filters and pagination ------------------------------------------------------------------
def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_it_filters_units_like_the_list_page(org, api):
    assert ids(api.get(UNITS, {"q": "IT-kontoret"})) == {org["it_office"].pk}
    assert ids(api.get(UNITS, {"q": "förvaltningen"})) == {
        org["administration"].pk,
        org["school"].pk,
    }
    assert ids(api.get(UNITS, {"kind": "administration"})) == {
        org["administration"].pk,
        org["school"].pk,
    }
    assert ids(api.get(UNITS, {"within": org["administration"].pk})) == {
        org["administration"].pk,
        org["it_office"].pk,
    }
    assert ids(api.get(UNITS, {"within": org["administration"].pk, "kind": "office"})) == {
        org["it_office"].pk
    }


def test_it_filters_people_like_the_list_page(org, api):
    it_people = {p.pk for p in org["people"][:3]}
    school_person = org["people"][3]

    assert ids(api.get(PEOPLE, {"within": org["administration"].pk})) == it_people
    assert ids(api.get(PEOPLE, {"within": org["school"].pk})) == {school_person.pk}
    assert ids(api.get(PEOPLE, {"unit": org["it_office"].pk})) == it_people
    assert ids(api.get(PEOPLE, {"q": school_person.email})) == {school_person.pk}


def test_it_refuses_an_invalid_filter_value_with_400(org, api):
    response = api.get(UNITS, {"kind": "no-such-kind"})

    assert response.status_code == 400
    assert "kind" in response.json()


def test_it_paginates_with_count_next_and_results(org, api):
    first = api.get(UNITS, {"page_size": 2})
    assert first.status_code == 200
    page = first.json()
    assert page["count"] == OrgUnit.objects.count() == 4
    assert len(page["results"]) == 2
    assert page["previous"] is None
    assert "page=2" in page["next"]

    second = api.get(page["next"]).json()
    assert second["next"] is None
    assert len(second["results"]) == 2
    assert {r["id"] for r in page["results"]}.isdisjoint({r["id"] for r in second["results"]})

    assert api.get(UNITS, {"page_size": 2, "page": 9}).status_code == 404


# --- Optimistic locking and the audit log ----------------------------------------------------
def test_it_answers_409_with_a_message_for_a_stale_version(org, api):
    unit = org["it_office"]
    first = api.patch(
        f"{UNITS}{unit.pk}/",
        {"name": "IT", "version": unit.version},
        content_type="application/json",
    )
    assert first.status_code == 200

    stale = api.patch(
        f"{UNITS}{unit.pk}/",
        {"name": "ITK", "version": unit.version},
        content_type="application/json",
    )

    assert stale.status_code == 409
    message = " ".join(stale.json()["version"])
    assert "changed by someone else" in message
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("IT", 2)


def test_it_answers_400_naming_version_when_an_update_sends_none(org, api):
    unit = org["it_office"]

    response = api.patch(f"{UNITS}{unit.pk}/", {"name": "IT"}, content_type="application/json")

    assert response.status_code == 400
    assert "version" in response.json()
    unit.refresh_from_db()
    assert (unit.name, unit.version) == ("IT-kontoret", 1)


def test_it_refuses_a_delete_with_a_stale_or_malformed_version(org, api):
    unit = OrgUnitFactory(parent=org["it_office"], name="Tomma enheten")

    assert api.delete(f"{UNITS}{unit.pk}/?version=7").status_code == 409
    malformed = api.delete(f"{UNITS}{unit.pk}/?version=²")
    assert malformed.status_code == 400
    assert "version" in malformed.json()
    assert OrgUnit.objects.filter(pk=unit.pk).exists()


def test_it_writes_an_audit_row_with_the_user_and_the_request_id(org, users, api):
    unit = org["it_office"]

    response = api.patch(
        f"{UNITS}{unit.pk}/",
        {"headcount": 12, "version": unit.version},
        content_type="application/json",
    )

    assert response.status_code == 200
    change = changes_of(unit).get(action="update")
    assert change.user == users["admin"]
    assert change.actor == "admin"
    assert change.request_id == response["X-Request-ID"]
    assert change.before == {"headcount": 0}
    assert change.after == {"headcount": 12}


def test_it_writes_no_audit_row_for_an_update_that_changes_nothing(org, api):
    unit = org["it_office"]

    response = api.patch(
        f"{UNITS}{unit.pk}/", {"name": unit.name, "version": 1}, content_type="application/json"
    )

    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert not changes_of(unit).filter(action="update").exists()


# --- Validation through the services ---------------------------------------------------------
def test_it_refuses_a_cycle_in_the_unit_tree_naming_parent(org, api):
    board = org["board"]

    response = api.patch(
        f"{UNITS}{board.pk}/",
        {"parent": org["it_office"].pk, "version": board.version},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "cycle" in " ".join(response.json()["parent"])
    board.refresh_from_db()
    assert board.parent is None and board.path == f"/{board.pk}/"


def test_it_refuses_a_unit_as_its_own_parent(org, api):
    unit = org["it_office"]

    response = api.patch(
        f"{UNITS}{unit.pk}/", {"parent": unit.pk, "version": 1}, content_type="application/json"
    )

    assert response.status_code == 400
    assert "parent" in response.json()


def test_it_refuses_a_duplicate_cost_centre_within_the_organisation(org, api):
    response = api.post(
        UNITS,
        unit_payload(org, cost_centre=org["school"].cost_centre),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert OrgUnit.objects.filter(cost_centre=org["school"].cost_centre).count() == 1


def organisation_payload(**extra):
    return {"name": "Norrsjö Energi AB", "kind": "company", "org_number": org_number(), **extra}


def test_it_refuses_an_invalid_organisation_number_naming_org_number(org, api):
    response = api.post(
        ORGANISATIONS,
        organisation_payload(org_number="556677-8890"),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "org_number" in response.json()
    assert not Organisation.objects.filter(name="Norrsjö Energi AB").exists()


def test_it_refuses_a_duplicate_organisation_number_also_when_written_differently(org, api):
    existing = org["organisation"].org_number  # NNNNNN-NNNN
    for written in (existing, existing.replace("-", "")):
        response = api.post(
            ORGANISATIONS, organisation_payload(org_number=written), content_type="application/json"
        )

        assert response.status_code == 400, written
        assert "org_number" in response.json(), written
    assert Organisation.objects.filter(org_number=existing).count() == 1


def test_it_normalises_an_organisation_number_on_create(org, api):
    number = org_number()

    response = api.post(
        ORGANISATIONS,
        organisation_payload(org_number=number.replace("-", "")),
        content_type="application/json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["org_number"] == number


def test_it_refuses_to_delete_a_unit_with_people_and_deletes_nothing(org, api):
    unit = org["school"]
    before = (OrgUnit.objects.count(), Person.objects.count(), ObjectChange.objects.count())

    response = api.delete(f"{UNITS}{unit.pk}/?version={unit.version}")

    assert response.status_code in (400, 409)
    message = " ".join(response.json()["non_field_errors"])
    assert "cannot be deleted" in message
    assert str(org["people"][3]) in message
    assert (OrgUnit.objects.count(), Person.objects.count(), ObjectChange.objects.count()) == before


# --- The same rights as the pages ------------------------------------------------------------
def test_it_refuses_writes_to_employees_and_controllers(org, users):
    for role in ("employee", "controller"):
        client = token_client(users[role])
        unit = org["it_office"]

        assert client.get(UNITS).status_code == 200
        assert (
            client.post(UNITS, unit_payload(org), content_type="application/json").status_code
            == 403
        )
        assert (
            client.patch(
                f"{UNITS}{unit.pk}/", {"name": "X", "version": 1}, content_type="application/json"
            ).status_code
            == 403
        )
        assert client.delete(f"{UNITS}{unit.pk}/").status_code == 403
    assert not OrgUnit.objects.filter(name__in=("Servicedesken", "X")).exists()


def test_it_lets_it_staff_write_but_not_delete_units(org, users):
    client = token_client(users["itstaff"])

    assert client.post(UNITS, unit_payload(org), content_type="application/json").status_code == 201
    assert client.delete(f"{UNITS}{org['school'].pk}/").status_code == 403
    assert (
        client.post(
            ORGANISATIONS, organisation_payload(), content_type="application/json"
        ).status_code
        == 403
    )


def test_it_lets_a_coordinator_change_people_inside_their_units_only(org, users):
    client = token_client(users["coordinator"])
    inside, outside = org["people"][0], org["people"][3]

    assert (
        client.patch(
            f"{PEOPLE}{outside.pk}/",
            {"title": "Rektor", "version": 1},
            content_type="application/json",
        ).status_code
        == 404
    )
    response = client.patch(
        f"{PEOPLE}{inside.pk}/",
        {"title": "Samordnare", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert (inside.title, inside.version) == ("Samordnare", 2)
    assert outside.title == ""


def test_it_refuses_a_coordinator_moving_a_person_out_of_their_units(org, users):
    client = token_client(users["coordinator"])
    person = org["people"][0]

    response = client.patch(
        f"{PEOPLE}{person.pk}/",
        {"unit": org["school"].pk, "version": 1},
        content_type="application/json",
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert (person.unit, person.version) == (org["it_office"], 1)
    assert not changes_of(person).filter(action="update").exists()


def test_it_lets_a_coordinator_create_units_inside_but_not_outside_their_units(org, users):
    client = token_client(users["coordinator"])

    inside = client.post(UNITS, unit_payload(org), content_type="application/json")
    outside = client.post(
        UNITS,
        unit_payload(org, parent=org["school"].pk, name="Skolans IT", cost_centre="7720"),
        content_type="application/json",
    )
    top_level = client.post(
        UNITS,
        unit_payload(org, parent=None, name="Egen nämnd", cost_centre="7730"),
        content_type="application/json",
    )

    assert inside.status_code == 201, inside.content
    assert outside.status_code == 403
    assert top_level.status_code == 403
    assert not OrgUnit.objects.filter(name__in=("Skolans IT", "Egen nämnd")).exists()


def test_it_refuses_a_coordinator_creating_a_person_outside_their_units(org, users):
    client = token_client(users["coordinator"])
    payload = {"first_name": "Ola", "last_name": "Berg", "email": "ola.berg@norrsjo.se"}

    outside = client.post(
        PEOPLE, {**payload, "unit": org["school"].pk}, content_type="application/json"
    )
    inside = client.post(
        PEOPLE, {**payload, "unit": org["it_office"].pk}, content_type="application/json"
    )

    assert outside.status_code == 403
    assert inside.status_code == 201, inside.content
    assert Person.objects.get(email="ola.berg@norrsjo.se").unit == org["it_office"]


def test_it_shows_every_role_the_same_rows_as_the_list_page(org, users):
    PersonFactory(unit=org["school"])
    for role in ("employee", "controller", "itstaff", "coordinator", "admin"):
        response = token_client(users[role]).get(PEOPLE, {"page_size": 100})

        assert response.status_code == 200, role
        assert response.json()["count"] == Person.objects.count(), role
