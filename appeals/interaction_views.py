"""政策抒见互动区: public questions and official answers."""

from django.http import Http404


def questions(request):
    raise Http404


def new_question(request):
    raise Http404


def question(request, pk):
    raise Http404
