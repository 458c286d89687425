"""Knowledge base pages: search, read and vote (everybody; employees see the published articles
for employees), write (IT staff)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itportal.catalogue.models import Service
from itportal.core.access import LoggedIn
from itportal.core.filters import SearchFilterSet
from itportal.core.forms import VersionedModelForm
from itportal.core.tables import PortalTable
from itportal.core.views import ObjectDetailView, ObjectListView, PortalView
from itportal.registry.views import crud_views
from itportal.servicedesk import kb
from itportal.servicedesk.models_kb import Article, Audience


class ArticleTable(PortalTable):
    title = tables.Column(linkify=True)

    class Meta(PortalTable.Meta):
        model = Article
        fields = ("title", "audience", "published", "helpful", "not_helpful", "updated")

    default_columns = ("title", "audience", "helpful", "updated")


class ArticleFilterSet(SearchFilterSet):
    search_fields = ("title", "body")
    audience = django_filters.ChoiceFilter(choices=Audience.choices, label=gettext_lazy("Audience"))
    services = django_filters.ModelChoiceFilter(
        queryset=Service.objects.all(), label=gettext_lazy("Service")
    )

    class Meta:
        model = Article
        fields = ("q", "audience", "services")


class ArticleForm(VersionedModelForm):
    m2m_fields = ("services", "systems")

    class Meta:
        model = Article
        fields = ("title", "body", "audience", "published", "services", "systems")
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class ArticleList(ObjectListView):
    model = Article
    table_class = ArticleTable
    filterset_class = ArticleFilterSet


class ArticleDetail(ObjectDetailView):
    model = Article
    template_name = "servicedesk/article_detail.html"
    detail_fields = ("audience", "published")

    def get_extra_context(self, obj):
        vote = obj.votes.filter(user=self.request.user).values_list("helpful", flat=True).first()
        return {
            "article": obj,
            "my_vote": vote,
            "service_list": obj.services.all(),
            "system_list": obj.systems.all(),
        }


class ArticleVoteView(PortalView):
    model = Article  # the article the pk names (read through restrict())
    access_rule = LoggedIn()
    http_method_names = ["post"]

    def post(self, request, pk):
        article = get_object_or_404(Article.objects.restrict(request.user, "view"), pk=pk)
        helpful = request.POST.get("helpful") == "1"
        kb.vote(article, user=request.user, helpful=helpful)
        messages.success(request, _("Thank you for your vote."))
        return HttpResponseRedirect(article.get_absolute_url())


ArticleCreate, ArticleEdit, ArticleDelete = crud_views(Article, ArticleForm)
