from django.urls import path

from appeals import interaction_views, qa_views, views, window_views

app_name = "appeals"

urlpatterns = [
    # 我的诉求 and the appeal pages (enterprise users; anonymous submitters by number and 查询码)
    path("", views.mine, name="mine"),
    path("new/", views.new, name="new"),
    path("new/done/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("evaluate/<str:token>/", views.evaluate_link, name="evaluate_link"),
    # 智能问答
    path("ask/", qa_views.ask, name="ask"),
    # 政策抒见互动区
    path("questions/", interaction_views.questions, name="questions"),
    path("questions/new/", interaction_views.new_question, name="new_question"),
    path("questions/<int:pk>/", interaction_views.question, name="question"),
    # 窗口登记诉求 (service-hall clerks)
    path("window/", window_views.registered, name="window_list"),
    path("window/new/", window_views.new, name="window_new"),
    path("window/<str:number>/slip/", window_views.slip, name="window_slip"),
    path("<str:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
    path("<str:number>/", views.detail, name="detail"),
]
