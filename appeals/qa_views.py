"""智能问答: a question answered from the FAQ knowledge base and the interaction area."""

from django.http import Http404


def ask(request):
    raise Http404
