"""专题文章 (feature articles attached to policies): public pages."""

from django.urls import path

from engagement import views_articles

urlpatterns: list = [
    path("articles/", views_articles.article_list, name="articles"),
    path("articles/<int:pk>/", views_articles.article_detail, name="article"),
    path("articles/<int:pk>/print/", views_articles.article_print, name="article_print"),
]
