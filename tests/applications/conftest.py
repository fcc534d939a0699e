import pytest


@pytest.fixture(autouse=True)
def _run_after_commit(request, monkeypatch):
    """Effects after commit (progress messages, documents, 公示) run as they would in production: the test's
    own transaction never commits, so each transition's callbacks run when its `perform` returns."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return
    from django.test import TestCase

    from portal.core.workflow import Workflow

    original = Workflow.perform
    depth = {"n": 0}

    def perform(self, *args, **kwargs):
        if depth["n"]:
            return original(self, *args, **kwargs)
        depth["n"] += 1
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                return original(self, *args, **kwargs)
        finally:
            depth["n"] -= 1

    monkeypatch.setattr(Workflow, "perform", perform)


@pytest.fixture(autouse=True)
def _documents_only_where_checked(request, monkeypatch):
    """Rendering and signing a PDF takes a noticeable time; the tests that check documents mark themselves
    `@pytest.mark.documents`, the others skip issuing them."""
    if request.node.get_closest_marker("documents") is None:
        monkeypatch.setattr("applications.documents.issue_for", lambda application, kind: None)
