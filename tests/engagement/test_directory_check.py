"""The daily link check (链接检查) against a real local HTTP server: 200, 404, a redirect, HEAD refused, a timeout."""

import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.utils import timezone

from engagement import directory
from engagement.models.directory import ServiceCategory, ServiceLink
from portal.notify.models import SiteMessage
from portal.org.models import Region
from tests.backoffice.conftest import demo_org, staff_by_login  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]

SLOW = 3.0  # seconds the slow page waits; the check gives up after TIMEOUT
TIMEOUT = 0.5


class Handler(BaseHTTPRequestHandler):
    def _answer(self, body: bool):
        # Recorded before answering: the client may read the answer before a later line of this thread runs.
        self.server.seen.append((self.command, self.path))
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/missing":
            self.send_response(404)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/moved-to-nowhere":
            self.send_response(302)
            self.send_header("Location", "/missing")
        elif self.path == "/no-head":
            self.send_response(405 if self.command == "HEAD" else 200)
        elif self.path == "/slow":
            time.sleep(SLOW)
            self.send_response(200)
        else:
            self.send_response(500)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def link(server, path, code="420502", title=None, category=ServiceCategory.FINANCE):
    return ServiceLink.objects.create(
        region=Region.objects.get(code=code), category=category, title=title or f"链接{path}", url=base(server) + path
    )


def test_probe_tells_the_final_status_or_the_error(server):
    assert directory.probe(base(server) + "/ok", timeout=TIMEOUT) == directory.Probe(200)
    assert directory.probe(base(server) + "/missing", timeout=TIMEOUT) == directory.Probe(404)
    assert directory.probe(base(server) + "/moved", timeout=TIMEOUT) == directory.Probe(200)
    assert directory.probe(base(server) + "/moved-to-nowhere", timeout=TIMEOUT) == directory.Probe(404)
    assert directory.probe(base(server) + "/slow", timeout=TIMEOUT) == directory.Probe(None, "连接超时")


def test_a_server_refusing_head_is_asked_with_get(server):
    assert directory.probe(base(server) + "/no-head", timeout=TIMEOUT) == directory.Probe(200)
    assert server.seen == [("HEAD", "/no-head"), ("GET", "/no-head")]


def test_a_closed_port_cannot_be_reached():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert directory.probe(f"http://127.0.0.1:{port}/", timeout=TIMEOUT) == directory.Probe(None, "无法连接")


def test_the_check_stores_each_links_health_and_tells_the_curators_once(server):
    ok, missing, moved, slow = (link(server, p) for p in ["/ok", "/missing", "/moved", "/slow"])
    province = link(server, "/missing", code="420000", title="省级失效链接")
    inactive = ServiceLink.objects.create(
        region=ok.region, category="legal", title="停用", url=base(server) + "/missing", active=False
    )
    now = timezone.now()

    started = time.monotonic()
    run = directory.check_links(timeout=TIMEOUT, workers=4, now=now)
    elapsed = time.monotonic() - started

    assert elapsed < SLOW  # the slow page was given up on, and the others did not wait for it
    assert (run.checked, run.failing, run.recovered) == (5, 3, 0)
    assert sorted(run.newly_dead) == sorted([missing.pk, slow.pk, province.pk])
    health = {
        link.pk: (link.last_status, link.last_error, link.consecutive_failures, link.failing_since)
        for link in ServiceLink.objects.all()
    }
    assert health[ok.pk] == (200, "", 0, None)
    assert health[moved.pk] == (200, "", 0, None)
    assert health[missing.pk] == (404, "", 1, now)
    assert health[slow.pk] == (None, "连接超时", 1, now)
    assert health[province.pk] == (404, "", 1, now)
    assert health[inactive.pk] == (None, "", 0, None)
    assert ServiceLink.objects.get(pk=inactive.pk).last_checked_at is None

    # 市数据局 curates 西陵区's links; the province's only reach the platform admin.
    messages = {m.user.username: m for m in SiteMessage.objects.select_related("user")}
    assert set(messages) == {"platform_admin", "sjj_approver"}
    assert messages["platform_admin"].title == "服务链接失效提醒：3 个链接无法访问"
    assert messages["sjj_approver"].title == "服务链接失效提醒：2 个链接无法访问"
    body = messages["sjj_approver"].body
    assert f"西陵区 · 金融服务 · 链接/missing — {base(server)}/missing（状态码 404）" in body
    assert f"西陵区 · 金融服务 · 链接/slow — {base(server)}/slow（连接超时）" in body
    assert "省级失效链接" not in body
    assert messages["sjj_approver"].link == "/admin/engagement/servicelink/?health=failing"


def test_a_link_still_dead_the_next_day_is_not_told_again_and_a_recovered_one_is_cleared(server):
    missing = link(server, "/missing")
    flaky = link(server, "/ok")
    day1 = timezone.now() - timedelta(days=1)
    ServiceLink.objects.filter(pk=flaky.pk).update(consecutive_failures=2, failing_since=day1, last_status=503)

    first = directory.check_links(timeout=TIMEOUT, now=day1 + timedelta(hours=1))
    second = directory.check_links(timeout=TIMEOUT, now=day1 + timedelta(days=1))

    assert (first.newly_dead, first.recovered, first.messages) == ([missing.pk], 1, 2)
    assert (second.newly_dead, second.failing, second.messages) == ([], 1, 0)
    assert SiteMessage.objects.count() == 2
    missing.refresh_from_db()
    flaky.refresh_from_db()
    assert (missing.consecutive_failures, missing.failing_since) == (2, day1 + timedelta(hours=1))
    assert (flaky.consecutive_failures, flaky.failing_since, flaky.last_status) == (0, None, 200)


def test_a_link_that_recovers_and_fails_again_is_told_again(server):
    dead = link(server, "/missing")
    directory.check_links(timeout=TIMEOUT)
    ServiceLink.objects.filter(pk=dead.pk).update(url=base(server) + "/ok")
    directory.check_links(timeout=TIMEOUT)
    ServiceLink.objects.filter(pk=dead.pk).update(url=base(server) + "/missing")

    run = directory.check_links(timeout=TIMEOUT)

    assert run.newly_dead == [dead.pk]
    assert SiteMessage.objects.filter(user=staff_by_login()["sjj_approver"]).count() == 2


def test_reporting_the_same_failure_twice_writes_nothing_new(server):
    dead = link(server, "/missing")
    directory.check_links(timeout=TIMEOUT)

    assert directory.report_dead_links([dead.pk]) == 0
    assert SiteMessage.objects.count() == 2


def test_a_run_out_of_time_leaves_the_rest_for_next_time(server):
    links = [link(server, f"/ok?{n}") for n in range(3)]

    run = directory.check_links(timeout=TIMEOUT, workers=1, budget=-1)

    assert (run.checked, run.not_reached) == (0, 3)
    assert ServiceLink.objects.filter(last_checked_at__isnull=True).count() == 3
    assert links[0].pk == ServiceLink.objects.order_by("pk").first().pk


def test_the_check_runs_daily_from_beat():
    from celery.schedules import crontab

    entry = settings.CELERY_BEAT_SCHEDULE["engagement-check-service-links"]
    assert entry["task"] == "engagement.check_service_links"
    assert entry["schedule"] == crontab(hour=4, minute=30)


def test_the_task_reports_what_it_did(server):
    from engagement.tasks_directory import check_service_links

    link(server, "/missing")
    link(server, "/ok")

    assert check_service_links.apply().get() == {"checked": 2, "failing": 1, "newly_dead": 1}
