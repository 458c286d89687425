"""Knowledge base articles with the agents' votes."""

import datetime as dt

from itportal.servicedesk.demo.inserts import insert
from itportal.servicedesk.demo.texts import ARTICLES
from itportal.servicedesk.models import Article, ArticleVote
from itportal.servicedesk.models_kb import Audience


class Articles:
    """Part of the Builder: the articles, linked to services and systems."""

    def articles(self):
        ctx, rng, now = self.ctx, self.rng, self.now
        by_name = getattr(ctx, "system_by_name", {})
        voters = [u.pk for u in ctx.agents] + [
            u.pk
            for name, u in getattr(ctx, "users", {}).items()
            if name in ("employee", "coordinator")
        ]
        voters = sorted(set(voters))
        rows, links, votes = [], [], []
        for title, audience, codes, names, body in ARTICLES:
            article = Article(title=title, body=body, audience=audience, published=True)
            chosen = rng.sample(voters, min(len(voters), rng.randint(3, 30)))
            share = 0.85 if audience == Audience.EMPLOYEES else 0.75
            ballots = [(pk, rng.random() < share) for pk in chosen]
            article.helpful = sum(1 for _pk, yes in ballots if yes)
            article.not_helpful = len(ballots) - article.helpful
            rows.append(article)
            links.append(
                (
                    [self.services[c] for c in codes if c in self.services],
                    [by_name[n] for n in names if n in by_name],
                )
            )
            votes.append(ballots)
        ctx.create(rows)
        services = Article.services.through
        systems = Article.systems.through
        services.objects.bulk_create(
            [
                services(article_id=a.pk, service_id=s.pk)
                for a, (chosen, _sys) in zip(rows, links, strict=True)
                for s in chosen
            ]
        )
        systems.objects.bulk_create(
            [
                systems(article_id=a.pk, system_id=s.pk)
                for a, (_svc, chosen) in zip(rows, links, strict=True)
                for s in chosen
            ]
        )
        ballots = [
            (article.pk, user, helpful, now - dt.timedelta(minutes=rng.randint(60, 300 * 24 * 60)))
            for article, rows_ in zip(rows, votes, strict=True)
            for user, helpful in rows_
        ]
        ctx.created[ArticleVote] += insert(
            ArticleVote, ("article", "user", "helpful", "at"), ballots
        )
        ctx.articles = rows
