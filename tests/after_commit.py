"""Effects after commit as in production, for domains whose tests call services and `perform` directly.

The outermost call of `Workflow.perform` and of each named service function runs the callbacks registered with
`transaction.on_commit` when it returns, as they would after the real commit (a test's transaction never
commits). Nested calls are left to the outermost one. Tests that use real transactions (`transactional_db`,
`live_server`) are left alone.
"""

from django.test import TestCase

from portal.core.workflow import Workflow


def run_effects_on_return(request, monkeypatch, services, names) -> bool:
    """Patches `Workflow.perform` and `services.<name>` for each of `names`; False when the test is left alone."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return False
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
    for name in names:
        monkeypatch.setattr(services, name, committing(getattr(services, name)))
    return True
