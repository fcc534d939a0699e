"""200 enterprises apply at the same moment, each pressing the buttons twice: nothing lost, nothing doubled,
no 500 (the issue's load check, through the whole request stack on real PostgreSQL).

Each enterprise's two simultaneous "在线申报" requests open one draft; its two simultaneous "确认提交" requests
submit it once. The figures are printed (run with -s to see them).
"""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from applications import services
from applications.models import Application, Status
from enterprises.models import EnterpriseMember
from tests.factories import files
from tests.factories.accounts import EnterpriseUserFactory
from tests.factories.applications import published_matter
from tests.factories.enterprises import AnnualFigureFactory, EnterpriseFactory

N = 200
WORKERS = 32

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.integration]


def _in_threads(requests):
    """Runs each (client, method, path, data) at once in a pool; returns the status codes."""

    def one(item):
        client, method, path, data = item
        try:
            response = getattr(client, method)(path, data or {})
            return response.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(one, requests))


def test_two_hundred_enterprises_apply_at_once_and_press_twice(capsys):
    matter = published_matter(materials=1)
    from django.utils import timezone

    year = timezone.localdate().year - 1
    clients = []
    for _n in range(N):
        enterprise = EnterpriseFactory(region=matter.region)
        AnnualFigureFactory(enterprise=enterprise, year=year)
        user = EnterpriseUserFactory()
        EnterpriseMember.objects.create(enterprise=enterprise, user=user, role=EnterpriseMember.Role.LEGAL_REP)
        client = Client()
        client.force_login(user)
        clients.append((client, enterprise, user))
    connection.close()

    started = time.monotonic()
    codes = _in_threads([(c, "post", f"/applications/new/{matter.code}/", None) for c, _e, _u in clients] * 2)
    opened = time.monotonic() - started
    assert 500 not in codes
    assert Application.objects.filter(matter=matter).count() == N
    numbers = list(Application.objects.values_list("number", flat=True))
    assert len(set(numbers)) == N

    material = matter.materials.get()
    for _client, enterprise, user in clients:
        application = Application.objects.get(enterprise=enterprise)
        services.update_form(application, {"contact_name": "李四", "contact_phone": "13800138000"}, by=user)
        services.attach(application, material, files.upload("申报书.pdf", files.pdf()), by=user)
    connection.close()

    started = time.monotonic()
    requests = []
    for client, enterprise, _user in clients:
        number = Application.objects.get(enterprise=enterprise).number
        requests.append((client, "post", f"/applications/{number}/submit/", None))
    connection.close()
    codes = _in_threads(requests * 2)
    submitted = time.monotonic() - started
    assert 500 not in codes
    assert Application.objects.filter(matter=matter, status=Status.SUBMITTED).count() == N
    assert Application.objects.filter(matter=matter).count() == N
    histories = Application.history.filter(status=Status.SUBMITTED).values("id").distinct().count()
    assert histories == N
    with capsys.disabled():
        print(
            f"\n{N} enterprises × 2 simultaneous 在线申报: {N} drafts, no duplicate, no server error "
            f"in {opened:.1f} s; × 2 simultaneous 确认提交: {N} submitted once each, no server error "
            f"in {submitted:.1f} s ({WORKERS} threads, statuses {sorted(set(codes))})"
        )
