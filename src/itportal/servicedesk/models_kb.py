"""The knowledge base: articles for employees or for IT only, linked to services and systems,
with helpful / not helpful votes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from itportal.core.models import BaseModel
from itportal.core.roles import ANY_USER, STAFF_ROLES

__all__ = ["Article", "ArticleVote", "Audience"]


class Audience(models.TextChoices):
    EMPLOYEES = "employees", _("Employees")
    IT = "it", _("IT only")


class Article(BaseModel):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.EMPLOYEES
    )
    published = models.BooleanField(_("published"), default=True)
    services = models.ManyToManyField(
        "catalogue.Service", verbose_name=_("services"), blank=True, related_name="articles"
    )
    systems = models.ManyToManyField(
        "registry.System", verbose_name=_("systems"), blank=True, related_name="articles"
    )
    helpful = models.PositiveIntegerField(_("helpful"), default=0, editable=False)
    not_helpful = models.PositiveIntegerField(_("not helpful"), default=0, editable=False)

    audit_exclude = (*BaseModel.audit_exclude, "helpful", "not_helpful")
    access_policy = {
        "view": STAFF_ROLES,
        "add": STAFF_ROLES,
        "change": STAFF_ROLES,
    }

    class Meta:
        ordering = ("title",)
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge base")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("servicedesk:article_detail", args=[self.pk])

    @classmethod
    def scope_q(cls, user, action):
        """Everybody logged in reads the published articles for employees."""
        if action == "view":
            return Q(published=True, audience=Audience.EMPLOYEES)
        return None


class ArticleVote(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    helpful = models.BooleanField(_("helpful"))
    at = models.DateTimeField(_("time"), auto_now=True)

    access_policy = {"view": {ANY_USER}}

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=("article", "user"), name="article_vote_once")
        ]

    def __str__(self):
        return f"{self.article_id} {self.user_id} {self.helpful}"
