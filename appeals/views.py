"""The appeal pages of the portal (诉求): submit, 我的诉求, one appeal's timeline, evaluation, tracking."""

from django.http import Http404


def mine(request):
    raise Http404


def new(request):
    raise Http404


def track(request):
    raise Http404


def evaluate_link(request, token):
    raise Http404


def detail(request, number):
    raise Http404
