import pytest


@pytest.fixture(autouse=True)
def _effects_as_in_production(request, monkeypatch):
    """The effects after commit (transitions' and the services') run when the call returns, as they would after
    the real commit; tasks published to the broker run in the test's process, as the worker would run them."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return
    from django.test import TestCase

    from payouts import services
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
    for name in ("open_payouts", "save_account", "create_batch", "import_results", "flag_overdue"):
        monkeypatch.setattr(services, name, committing(getattr(services, name)))
    monkeypatch.setattr("portal.core.tasks.publish", lambda task, *args, **kwargs: task.run(*args, **kwargs) or True)
