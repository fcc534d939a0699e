"""Logs are JSON lines carrying the request id, or the Celery task id."""

import io
import json
import logging

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """Captures records through the configured JSON formatter and context filter."""
    from logging.config import dictConfig

    dictConfig(settings.LOGGING)
    stream = io.StringIO()
    console = logging.getLogger().handlers[0]
    handler = logging.StreamHandler(stream)
    handler.setFormatter(console.formatter)
    for f in console.filters:
        handler.addFilter(f)
    logging.getLogger().addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    logging.getLogger().removeHandler(handler)


def test_request_log_lines_carry_the_request_id(client, json_log):
    response = client.get("/no-such-page/")
    request_id = response["X-Request-ID"]
    records = [r for r in json_log() if r["logger"] == "django.request"]
    assert records
    assert records[0]["request_id"] == request_id
    assert records[0]["level"] == "WARNING"


def test_request_id_from_the_proxy_is_kept_when_well_formed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc123def456")
    assert response["X-Request-ID"] == "abc123def456"


def test_forged_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nINJECTED")
    assert response["X-Request-ID"] != "bad id\nINJECTED"
    assert len(response["X-Request-ID"]) == 32


def test_celery_task_logs_carry_the_task_id(json_log):
    from portal.workcalendar.tasks import recompute_clocks

    result = recompute_clocks.apply(args=([2026],))
    records = [r for r in json_log() if r["message"] == "clocks recomputed after a calendar change"]
    assert records[0]["task_id"] == result.id
