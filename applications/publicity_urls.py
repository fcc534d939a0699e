"""结果公示 (/applications/publicity/): the public list, one matter's list and the objection form."""

from django.urls import path

from applications import publicity

urlpatterns = [
    path("", publicity.publicity_list, name="publicity_list"),
    path("matter/<str:code>/", publicity.publicity_matter, name="publicity_matter"),
    path("<str:number>/objection/", publicity.publicity_objection, name="publicity_objection"),
]
