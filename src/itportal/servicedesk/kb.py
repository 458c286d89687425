"""Knowledge base writes and reads: votes, and the articles to show beside a ticket."""

from django.db import transaction
from django.db.models import F, Q

from itportal.servicedesk.models_kb import Article, ArticleVote


@transaction.atomic
def vote(article, *, user, helpful):
    """One vote per user and article; voting again replaces the earlier vote."""
    previous = ArticleVote.objects.select_for_update().filter(article=article, user=user).first()
    if previous is not None and previous.helpful == helpful:
        return article
    counts = {"helpful": 0, "not_helpful": 0}
    counts["helpful" if helpful else "not_helpful"] += 1
    if previous is not None:
        counts["not_helpful" if helpful else "helpful"] -= 1
        previous.helpful = helpful
        previous.save(update_fields=["helpful", "at"])
    else:
        ArticleVote.objects.create(article=article, user=user, helpful=helpful)
    Article.objects.filter(pk=article.pk).update(
        helpful=F("helpful") + counts["helpful"],
        not_helpful=F("not_helpful") + counts["not_helpful"],
    )
    article.refresh_from_db(fields=["helpful", "not_helpful"])
    return article


def articles_for(user, *, service_id=None, system_id=None, limit=5):
    """The articles the user may read about a ticket's service or system, most helpful first."""
    if not service_id and not system_id:
        return Article.objects.none()
    about = Q()
    if service_id:
        about |= Q(services=service_id)
    if system_id:
        about |= Q(systems=system_id)
    return (
        Article.objects.restrict(user, "view")
        .filter(about, published=True)
        .distinct()
        .order_by("-helpful", "title")[:limit]
    )
