"""专题文章 (feature articles attached to policies): public pages."""

urlpatterns: list = []
