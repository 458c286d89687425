from django.urls import path

from itportal.servicedesk import views_kb as v

urlpatterns = [
    path("", v.ArticleList.as_view(), name="article_list"),
    path("add/", v.ArticleCreate.as_view(), name="article_add"),
    path("<int:pk>/", v.ArticleDetail.as_view(), name="article_detail"),
    path("<int:pk>/edit/", v.ArticleEdit.as_view(), name="article_edit"),
    path("<int:pk>/delete/", v.ArticleDelete.as_view(), name="article_delete"),
    path("<int:pk>/vote/", v.ArticleVoteView.as_view(), name="article_vote"),
]
