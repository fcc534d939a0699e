import pytest


@pytest.fixture(autouse=True)
def _effects_as_in_production(request, monkeypatch):
    """The effects after commit (transitions' and the services') run when the call returns, as they would after
    the real commit; tasks published to the broker run in the test's process, as the worker would run them."""
    from payouts import services
    from tests.after_commit import run_effects_on_return

    names = ("open_payouts", "save_account", "create_batch", "import_results", "flag_overdue")
    if run_effects_on_return(request, monkeypatch, services, names):
        in_process = lambda task, *args, **kwargs: task.run(*args, **kwargs) or True  # noqa: E731
        monkeypatch.setattr("portal.core.tasks.publish", in_process)
