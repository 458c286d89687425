"""Saved filters of the queue: saving the current filter, the "My filters" and "Shared filters"
links, applying one, the default filter the queue opens with, renaming, deleting, who may see
and change which filter, bad input, the API and the queue's query count."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from itportal.core.models import ObjectChange
from itportal.core.roles import Role
from itportal.core.testing import make_user
from itportal.servicedesk import saved_filters
from itportal.servicedesk.models import SavedFilter
from itportal.servicedesk.tests.test_views import build, count_queries, open_incident

pytestmark = pytest.mark.django_db

QUEUE = "/desk/tickets/"
ADD = "/desk/tickets/filters/add/"


@pytest.fixture
def desk(org, users):
    desk = build(org, users)  # the incident "Skrivaren skriver inte"; the group has itstaff
    desk["other"] = open_incident(desk["person"], users, "Inget ljud i hörlurarna")
    return desk


@pytest.fixture
def agent2(db):
    user = make_user("agent2", Role.IT_STAFF, first_name="Alva", last_name="Berg")
    client = Client()
    client.force_login(user)
    return user, client


def save(owner, name, querystring, **extra):
    return saved_filters.create_filter(
        SavedFilter(owner=owner, name=name, querystring=querystring, **extra), actor=owner
    )


def changes_of(saved):
    kind = ContentType.objects.get_for_model(SavedFilter)
    return ObjectChange.objects.filter(content_type=kind, object_id=str(saved.pk))


def nav(html, label):
    """The links (text, href) of the nav with this aria-label."""
    found = re.search(rf'<nav aria-label="{label}".*?</nav>', html, re.S)
    assert found, f"no nav {label!r}"
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', found.group(0))
    return [(text, href.replace("&amp;", "&")) for href, text in links if text != "Edit"]


def form_errors(response):
    return {
        name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()
    }


# --- Saving and applying ---------------------------------------------------------------------
def test_the_queue_offers_to_save_the_filter_it_shows(desk, client_for):
    html = client_for("itstaff").get(QUEUE + "?kind=incident&page=1&columns=title").content

    assert b'name="querystring" value="kind=incident&amp;status=open"' in html


def test_an_agent_saves_a_filter_and_the_queue_links_it(desk, users, client_for):
    client = client_for("itstaff")

    response = client.post(
        ADD,
        {"name": "Skrivare", "querystring": "status=all&q=skrivaren", "visibility": "private"},
        follow=True,
    )

    saved = SavedFilter.objects.get()
    assert (saved.owner, saved.querystring) == (users["itstaff"], "q=skrivaren&status=all")
    assert response.redirect_chain[-1][0] == "/desk/tickets/?q=skrivaren&status=all"
    html = response.content.decode()
    assert nav(html, "My filters") == [("Skrivare", "/desk/tickets/?q=skrivaren&status=all")]
    assert 'aria-current="page"' in html  # the filter shown is the saved one
    assert desk["incident"].number in html and desk["other"].number not in html
    change = changes_of(saved).get(action="create")
    assert change.user == users["itstaff"] and change.after["name"] == "Skrivare"


def test_a_saved_filter_applies_like_the_filter_it_keeps(desk, users, client_for):
    saved = save(users["itstaff"], "Ljud", "q=ljud")

    html = client_for("itstaff").get(saved.get_absolute_url()).content.decode()

    assert saved.querystring == "q=ljud&status=open"  # what the queue showed: open tickets
    assert desk["other"].number in html and desk["incident"].number not in html


def test_the_queue_opens_with_the_agents_default_and_clear_reaches_the_plain_queue(
    desk, users, client_for
):
    save(users["itstaff"], "Ljud", "q=ljud", is_default=True)
    client = client_for("itstaff")

    opened = client.get(QUEUE).content.decode()
    cleared = client.get(QUEUE + "?status=open").content.decode()
    others = client_for("admin").get(QUEUE).content.decode()

    assert desk["other"].number in opened and desk["incident"].number not in opened
    assert 'href="/desk/tickets/?status=open">Clear</a>' in opened
    assert desk["other"].number in cleared and desk["incident"].number in cleared
    assert desk["incident"].number in others  # a default is its owner's only


def test_a_new_default_replaces_the_old_one(desk, users, client_for):
    first = save(users["itstaff"], "Ljud", "q=ljud", is_default=True)

    client_for("itstaff").post(
        ADD,
        {
            "name": "Skrivare",
            "querystring": "q=skrivaren",
            "visibility": "private",
            "is_default": "on",
        },
    )

    first.refresh_from_db()
    second = SavedFilter.objects.get(name="Skrivare")
    assert (first.is_default, second.is_default) == (False, True)
    assert changes_of(first).filter(action="update").exists()
    html = client_for("itstaff").get(QUEUE).content.decode()
    assert desk["incident"].number in html and desk["other"].number not in html


def test_a_filter_is_marked_current_however_its_status_was_given(desk, users, client_for):
    saved = save(users["itstaff"], "Äldst först", "priority=3&sort=number")

    html = client_for("itstaff").get(saved.get_absolute_url()).content.decode()

    assert saved.querystring == "status=open&priority=3&sort=number"
    assert re.search(r'<a href="[^"]+" aria-current="page"[^>]*>Äldst först</a>', html)


def test_a_sort_given_to_the_queue_wins_over_the_default_filters(desk, users, client_for):
    save(users["itstaff"], "Äldst först", "sort=number", is_default=True)

    html = client_for("itstaff").get(QUEUE + "?sort=-number").content.decode()

    assert html.index(desk["other"].number) < html.index(desk["incident"].number)


def test_a_new_default_replaces_an_old_one_that_no_longer_fits_the_queue(
    desk, users, client_for, agent2
):
    user2, _client2 = agent2
    old = save(users["itstaff"], "Alvas ärenden", f"agent={user2.pk}", is_default=True)
    user2.groups.clear()  # Alva leaves the desk: the queue no longer offers her as agent
    client = client_for("itstaff")

    response = client.post(
        ADD,
        {
            "name": "Skrivare",
            "querystring": "q=skrivaren",
            "visibility": "private",
            "is_default": "on",
        },
    )
    renamed = client.post(
        f"/desk/tickets/filters/{old.pk}/edit/",
        {
            "name": "Alvas gamla ärenden",
            "querystring": old.querystring,
            "visibility": "private",
            "_version": old.version + 1,
        },
    )

    assert response.status_code == 302, form_errors(response)
    assert renamed.status_code == 302, form_errors(renamed)
    old.refresh_from_db()
    assert (old.name, old.is_default) == ("Alvas gamla ärenden", False)
    assert SavedFilter.objects.get(name="Skrivare").is_default
    assert changes_of(old).filter(action="update", after__is_default=False).exists()


def test_only_its_owner_makes_a_filter_their_default(desk, users, client_for, agent2):
    user2, client2 = agent2
    own = save(user2, "Alvas egna", "q=ljud", is_default=True)
    shared = save(user2, "Alvas för desken", "q=skrivaren", visibility="desk")
    admin = client_for("admin")
    edit = f"/desk/tickets/filters/{shared.pk}/edit/"

    form = admin.get(edit).content.decode()
    page = admin.post(
        edit,
        {
            "name": "Skrivare (desken)",
            "querystring": shared.querystring,
            "visibility": "desk",
            "is_default": "on",
            "_version": shared.version,
        },
    )
    shared.refresh_from_db()
    api = admin.patch(
        f"/api/saved-filters/{shared.pk}/",
        {"is_default": True, "version": shared.version},
        content_type="application/json",
    )

    assert 'name="is_default"' not in form  # "open the queue with this filter" is the owner's
    assert page.status_code == 302
    assert api.status_code == 400 and "is_default" in api.json(), api.content
    own.refresh_from_db()
    shared.refresh_from_db()
    assert (own.is_default, shared.is_default) == (True, False)
    assert shared.name == "Skrivare (desken)"  # the admin still keeps the name tidy
    html = client2.get(QUEUE).content.decode()
    assert desk["other"].number in html and desk["incident"].number not in html


def test_the_owner_renames_and_deletes_a_filter(desk, users, client_for):
    saved = save(users["itstaff"], "Ljud", "q=ljud")
    client = client_for("itstaff")

    client.post(
        f"/desk/tickets/filters/{saved.pk}/edit/",
        {
            "name": "Hörlurar",
            "querystring": saved.querystring,
            "visibility": "private",
            "_version": saved.version,
        },
    )
    saved.refresh_from_db()
    renamed = saved.name
    response = client.post(f"/desk/tickets/filters/{saved.pk}/delete/", {"_version": saved.version})

    assert renamed == "Hörlurar"
    assert response.status_code == 302 and response["Location"] == QUEUE
    assert not SavedFilter.objects.exists()
    assert changes_of(saved).filter(action="delete").exists()


# --- Who sees and changes what ---------------------------------------------------------------
def test_shared_filters_show_to_the_desk_or_the_group_and_private_ones_to_nobody_else(
    desk, users, client_for, agent2
):
    user2, client2 = agent2
    save(user2, "Alvas egna", "q=egna")
    save(user2, "Alvas för desken", "priority=1", visibility="desk")
    save(user2, "Alvas för gruppen", "kind=incident", visibility="group", group=desk["group"])

    mine = client_for("itstaff").get(QUEUE).content.decode()  # itstaff is in the group
    admin = client_for("admin").get(QUEUE).content.decode()  # the admin is not

    shared = [name for name, _url in nav(mine, "Shared filters")]
    assert shared == ["Alvas för desken", "Alvas för gruppen"]
    assert "(by Alva Berg)" in mine
    assert [name for name, _url in nav(admin, "Shared filters")] == ["Alvas för desken"]
    assert "Alvas egna" not in mine and "Alvas egna" not in admin


def test_another_agent_cannot_change_or_delete_a_filter_that_is_not_theirs(
    desk, users, client_for, agent2
):
    user2, client2 = agent2
    private = save(users["itstaff"], "Mitt eget", "q=ljud")
    shared = save(users["itstaff"], "Delat", "q=skrivaren", visibility="desk")

    responses = [
        client2.get(f"/desk/tickets/filters/{private.pk}/edit/"),
        client2.post(
            f"/desk/tickets/filters/{private.pk}/edit/",
            {"name": "Kapat", "querystring": "q=x", "visibility": "desk", "_version": 1},
        ),
        client2.post(f"/desk/tickets/filters/{private.pk}/delete/", {"_version": 1}),
        client2.post(f"/desk/tickets/filters/{shared.pk}/delete/", {"_version": 1}),
    ]
    by_admin = client_for("admin").get(f"/desk/tickets/filters/{shared.pk}/edit/")

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    private.refresh_from_db()
    assert (private.name, private.visibility) == ("Mitt eget", "private")
    assert SavedFilter.objects.count() == 2
    assert by_admin.status_code == 200  # IT administrators keep shared filters tidy
    edit_links = re.findall(
        r'href="/desk/tickets/filters/(\d+)/edit/"', client2.get(QUEUE).content.decode()
    )
    assert edit_links == []  # the shared filter is listed, without an edit link


# --- Bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 101}, "name", "at most 100"),
        ({"querystring": "colour=red&q=x&page=2"}, "querystring", "colour, page"),
        ({"querystring": "status=sleeping"}, "querystring", "status: Select a valid choice"),
        ({"querystring": "group=999999"}, "querystring", "group:"),
        ({"querystring": "sort=shoe_size"}, "querystring", "sort:"),
        ({"querystring": "per_page=7"}, "querystring", "per_page:"),
        ({"querystring": "q=" + "x" * 1000}, "querystring", "at most 1000"),
        ({"querystring": "q=" + "å" * 400}, "querystring", "at most 1000"),  # 2,400 encoded
        ({"querystring": ""}, "querystring", "required"),
        ({"visibility": "group"}, "group", "Choose the assignment group"),
        ({"visibility": "everybody"}, "visibility", "valid choice"),
        ({"name": "ljud"}, "name", "already have a filter named"),
    ],
)
def test_it_refuses_bad_input_naming_the_field_and_saves_nothing(
    desk, users, client_for, data, field, words
):
    save(users["itstaff"], "Ljud", "q=ljud")
    post = {"name": "Ny", "querystring": "q=skrivaren", "visibility": "private", **data}

    response = client_for("itstaff").post(ADD, post)

    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == [field], errors
    assert words in " ".join(errors[field])
    assert SavedFilter.objects.count() == 1


# --- API -------------------------------------------------------------------------------------
def test_the_api_lists_creates_and_hides_like_the_pages(desk, users, client_for, agent2):
    user2, client2 = agent2
    private = save(users["itstaff"], "Mitt eget", "q=ljud")
    save(users["itstaff"], "Delat", "q=skrivaren", visibility="desk")

    created = client2.post(
        "/api/saved-filters/",
        {"name": "Prio 1", "querystring": "priority=1", "visibility": "private"},
        content_type="application/json",
    )
    refused = client2.post(
        "/api/saved-filters/",
        {"name": "Fel", "querystring": "colour=red"},
        content_type="application/json",
    )
    listed = client2.get("/api/saved-filters/").json()["results"]

    assert created.status_code == 201, created.content
    assert created.json()["owner"] == "agent2"
    assert created.json()["url"] == "/desk/tickets/?status=open&priority=1"
    assert refused.status_code == 400 and "colour" in refused.json()["querystring"][0]
    assert [row["name"] for row in listed] == ["Delat", "Prio 1"]
    assert client2.get(f"/api/saved-filters/{private.pk}/").status_code == 404
    assert client_for("employee").get("/api/saved-filters/").status_code == 403


def test_the_api_refuses_a_filter_too_long_once_encoded(desk, users, client_for):
    response = client_for("itstaff").post(
        "/api/saved-filters/",
        {"name": "Åå", "querystring": "q=" + "å" * 400},  # 402 characters, 2,414 encoded
        content_type="application/json",
    )

    assert response.status_code == 400, response.content
    assert "at most 1000" in response.json()["querystring"][0]
    assert not SavedFilter.objects.exists()


def test_the_django_admin_leaves_the_default_to_the_owner(desk, users):
    first = save(users["itstaff"], "Ljud", "q=ljud", is_default=True)
    second = save(users["itstaff"], "Skrivare", "q=skrivaren")
    admin_site = Client()
    admin_site.force_login(make_user("root", is_staff=True, is_superuser=True))
    url = f"/admin/servicedesk/savedfilter/{second.pk}/change/"

    form = admin_site.get(url).content.decode()
    response = admin_site.post(
        url,
        {
            "name": "Skrivare 2",
            "querystring": second.querystring,
            "visibility": "private",
            "is_default": "on",
        },
    )

    assert 'name="is_default"' not in form
    assert response.status_code == 302
    second.refresh_from_db()
    first.refresh_from_db()
    assert (second.name, second.is_default, first.is_default) == ("Skrivare 2", False, True)


# --- Query count -----------------------------------------------------------------------------
def test_saved_filters_do_not_add_queries_per_filter_to_the_queue(desk, users, client_for, agent2):
    user2, _client2 = agent2
    save(users["itstaff"], "Ljud", "q=ljud")
    client = client_for("itstaff")
    before = count_queries(client, QUEUE + "?status=open")
    for n in range(8):
        save(users["itstaff"], f"Eget {n}", f"q=eget{n}", is_default=(n == 0))
        save(user2, f"Delat {n}", f"q=delat{n}", visibility="desk")
        save(user2, f"Gruppens {n}", f"q=grupp{n}", visibility="group", group=desk["group"])

    after = count_queries(client, QUEUE + "?status=open")
    by_default = count_queries(client, QUEUE)  # the default filter comes with the list

    assert after == before and by_default <= before
    assert len(nav(client.get(QUEUE).content.decode(), "Shared filters")) == 16


def test_the_saved_filters_follow_an_htmx_filter_change(desk, users, client_for):
    save(users["itstaff"], "Ljud", "q=ljud")

    html = (
        client_for("itstaff")
        .get(QUEUE + "?q=ljud", headers={"HX-Request": "true"})
        .content.decode()
    )

    # the whole page: hx-select takes the table, hx-select-oob the links and the filter to save
    assert 'id="object-table"' in html
    assert 'hx-select-oob="#saved-filter-links,#save-filter-querystring,#bulk-next"' in html
    assert re.search(r'<a href="[^"]+" aria-current="page"[^>]*>Ljud</a>', html)
    assert 'name="querystring" value="q=ljud&amp;status=open"' in html
