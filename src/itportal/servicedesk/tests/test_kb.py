"""The knowledge base: who reads what, votes, and the articles shown beside a ticket."""

import pytest
from django.urls import reverse

from itportal.catalogue.models import Service
from itportal.servicedesk import kb
from itportal.servicedesk.models_kb import Article


@pytest.fixture
def articles(org):
    vpn = Service.objects.create(
        name="VPN",
        code="VPN",
        category="communication",
        billing_unit="user",
        owner_unit=org["it_office"],
    )
    public = Article.objects.create(title="Anslut till VPN hemifrån", body="Starta klienten …")
    public.services.set([vpn])
    internal = Article.objects.create(
        title="VPN-certifikat förnyas", body="Kör skriptet …", audience="it"
    )
    internal.services.set([vpn])
    draft = Article.objects.create(title="Utkast", body="…", published=False)
    return {"vpn": vpn, "public": public, "internal": internal, "draft": draft}


def test_an_employee_reads_only_published_articles_for_employees(articles, client_for):
    client = client_for("employee")

    listed = client.get(reverse("servicedesk:article_list"))

    assert "Anslut till VPN hemifrån" in listed.content.decode()
    assert "VPN-certifikat" not in listed.content.decode()
    assert "Utkast" not in listed.content.decode()
    assert client.get(articles["internal"].get_absolute_url()).status_code == 404
    assert client.get(articles["draft"].get_absolute_url()).status_code == 404
    assert client_for("itstaff").get(articles["internal"].get_absolute_url()).status_code == 200


def test_a_vote_counts_once_and_can_be_changed(articles, users, client_for):
    client = client_for("employee")
    url = reverse("servicedesk:article_vote", args=[articles["public"].pk])

    client.post(url, {"helpful": "1"})
    client.post(url, {"helpful": "1"})
    article = Article.objects.get(pk=articles["public"].pk)
    assert (article.helpful, article.not_helpful) == (1, 0)

    client.post(url, {"helpful": "0"})
    article.refresh_from_db()
    assert (article.helpful, article.not_helpful) == (0, 1)


def test_the_articles_beside_a_ticket_follow_its_service_and_the_readers_rights(articles, users):
    for_employee = list(kb.articles_for(users["employee"], service_id=articles["vpn"].pk))
    for_agent = list(kb.articles_for(users["itstaff"], service_id=articles["vpn"].pk))

    assert for_employee == [articles["public"]]
    assert set(for_agent) == {articles["public"], articles["internal"]}
    assert list(kb.articles_for(users["itstaff"])) == []


def test_the_list_and_the_article_take_few_queries(
    articles, client_for, django_assert_max_num_queries
):
    client = client_for("employee")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("servicedesk:article_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(articles["public"].get_absolute_url()).status_code == 200


def test_the_ticket_page_shows_the_articles_on_its_service(articles, org, users, client_for):
    from itportal.servicedesk import services

    person = org["people"][0]
    person.user = users["employee"]
    person.save()
    ticket = services.open_ticket(
        kind="incident", requester=person, title="VPN", service=articles["vpn"], actor="t"
    )

    mine = client_for("employee").get(ticket.get_absolute_url()).content.decode()
    agents = client_for("itstaff").get(ticket.get_absolute_url()).content.decode()

    assert "Anslut till VPN hemifrån" in mine and "VPN-certifikat" not in mine
    assert "Anslut till VPN hemifrån" in agents and "VPN-certifikat förnyas" in agents
