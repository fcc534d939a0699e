import pytest


@pytest.fixture(autouse=True)
def _effects_as_in_production(request, monkeypatch):
    """The effects after commit (the transitions' notices) run when the call returns, as after the real commit."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return
    from django.test import TestCase

    from appeals import services
    from portal.core.workflow import Workflow

    depth = {"n": 0}

    def committing(func):
        def call(*args, **kwargs):
            if depth["n"]:
                return func(*args, **kwargs)
            depth["n"] += 1
            try:
                with TestCase.captureOnCommitCallbacks(execute=True):
                    return func(*args, **kwargs)
            finally:
                depth["n"] -= 1

        return call

    original = Workflow.perform
    monkeypatch.setattr(Workflow, "perform", lambda self, *a, **k: committing(original)(self, *a, **k))
    for name in ("submit", "request_extension", "watch_deadlines", "close_unevaluated"):
        monkeypatch.setattr(services, name, committing(getattr(services, name)))
