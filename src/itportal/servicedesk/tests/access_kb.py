"""Permission-table rows of the knowledge base; merged in access_table.py."""

from itportal.core.tests.access_outcomes import (
    LOGIN,
    PAGE_ADMIN,
    PAGE_READ,
    PAGE_STAFF_WRITE,
)

ROWS = {
    # Everybody logged in reads the published articles for employees; IT staff write
    "servicedesk:article_list": PAGE_READ,
    "servicedesk:article_detail": PAGE_READ,
    "servicedesk:article_add": PAGE_STAFF_WRITE,
    "servicedesk:article_edit": PAGE_STAFF_WRITE,
    "servicedesk:article_delete": PAGE_ADMIN,
    "servicedesk:article_vote": (LOGIN, 405, 405, 405, 405, 405),  # a vote is a POST
}


def objects(org):
    from itportal.servicedesk.models_kb import Article

    return {Article: Article.objects.create(title="Byt lösenord", body="Gå till …")}
