"""平台运行 (无锡 §24–25): public page views counted by the middleware, searches and calculator uses counted by their
views, all in Redis first and moved into `ActivityCount` by `flush` — and counted in the database when Redis is
down.

Each test counts under a prefix of its own, so counts of other tests (or another test process on the same Redis)
never mix in.
"""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.supervision import activity, compute
from portal.supervision.measures import figures
from portal.supervision.models import ActivityCount
from portal.supervision.periods import Period
from tests.factories.enterprises import EnterpriseMemberFactory
from tests.factories.org import CountyFactory
from tests.factories.policies import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def counters(monkeypatch):
    """A Redis key prefix of this test's own, emptied afterwards."""
    prefix = f"supervision:activity:test-{uuid.uuid4().hex}:"
    monkeypatch.setattr(activity, "PREFIX", prefix)
    monkeypatch.setattr(activity, "_down_until", 0.0)
    client = activity._redis()  # now, while it is the real one (a test may point the settings elsewhere)
    yield prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.STAFF_OTP_REQUIRED = False


def counted(kind: str) -> int:
    """Today's count of `kind` still in Redis."""
    value = activity._redis().get(f"{activity.PREFIX}{timezone.localdate().isoformat()}:{kind}")
    return int(value or 0)


def stored(kind: str) -> int:
    row = ActivityCount.objects.filter(day=timezone.localdate(), kind=kind).first()
    return row.n if row else 0


def test_a_public_page_view_counts_once(client):
    response = client.get(reverse("help"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert counted("visit") == 1
    client.get(reverse("policies:list"))
    assert counted("visit") == 2


@pytest.mark.parametrize(
    "request_page",
    [
        pytest.param(lambda client: client.get("/admin/login/"), id="admin page"),
        pytest.param(lambda client: client.get("/no-such-page/"), id="404"),
        pytest.param(lambda client: client.get("/healthz"), id="health check"),
        pytest.param(lambda client: client.get(reverse("help"), headers={"HX-Request": "true"}), id="htmx fragment"),
        pytest.param(lambda client: client.post(reverse("accounts:login"), {}), id="POST"),
        pytest.param(lambda client: client.get(reverse("window:home")), id="clerk workbench"),
    ],
)
def test_what_is_not_a_public_page_view(client, request_page):
    request_page(client)
    assert counted("visit") == 0


def test_a_staff_member_looking_at_the_portal_is_not_a_visit(client):
    client.force_login(StaffFactory(), backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("help")).status_code == 200
    assert counted("visit") == 0


def test_a_search_counts_once_and_not_per_page_of_results(client):
    client.get(reverse("policies:search"), {"q": "科技创新"})
    assert counted("search") == 1
    client.get(reverse("policies:search"), {"q": "科技创新", "page": "2"})
    client.get(reverse("policies:list"))  # the list without a query is no search
    client.get(reverse("policies:search"), {"q": "  "})
    assert counted("search") == 1
    client.get(reverse("matters:list"), {"q": "高新技术企业"})
    assert counted("search") == 2
    assert counted("visit") == 5


def test_a_calculator_use_counts_once_per_result(client):
    region = CountyFactory()
    client.get(reverse("matters:calculator"))
    assert counted("calculator") == 0  # the empty form is no use
    client.post(reverse("matters:calculator"), {"region": region.code, "credit": "normal", "revenue_wan": "-5"})
    assert counted("calculator") == 0  # a refused form shows no result
    page = client.post(
        reverse("matters:calculator"), {"region": region.code, "credit": "normal", "revenue_wan": "5000"}
    )
    assert "测算结果" in page.content.decode()
    assert counted("calculator") == 1


def test_a_signed_in_enterprise_using_its_archive_counts_as_a_calculator_use(client):
    member = EnterpriseMemberFactory(enterprise__region=CountyFactory())
    client.force_login(member.user)
    assert client.get(reverse("matters:calculator")).status_code == 200
    assert counted("calculator") == 1


def test_flush_moves_the_counts_into_the_database_once():
    for _ in range(3):
        activity.count("visit")
    activity.count("search", 2)
    assert activity.flush() == 2
    assert (stored("visit"), stored("search"), counted("visit")) == (3, 2, 0)
    assert activity.flush() == 0
    assert (stored("visit"), stored("search")) == (3, 2)
    activity.count("visit")
    assert activity.flush() == 1
    assert stored("visit") == 4
    today = Period(timezone.localdate(), timezone.localdate())
    compute.refresh(["platform.visit", "platform.search"])
    for live in (False, True):
        shown = compute.figure_values([figures.get("platform.visit"), figures.get("platform.search")], today, live=live)
        assert shown == {"platform.visit": {None: 4}, "platform.search": {None: 2}}


def test_with_redis_down_pages_are_counted_in_the_database(client, monkeypatch):
    import redis

    down = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.5)  # port 1: refused at once
    monkeypatch.setattr(activity, "_client", down)
    activity.count("visit")
    assert stored("visit") == 1
    assert client.get(reverse("help")).status_code == 200
    client.get(reverse("policies:search"), {"q": "科技创新"})
    assert (stored("visit"), stored("search")) == (3, 1)
