import pytest


@pytest.fixture(autouse=True)
def _effects_as_in_production(request, monkeypatch):
    """The effects after commit (the transitions' notices) run when the call returns, as after the real commit."""
    from appeals import services
    from tests.after_commit import run_effects_on_return

    run_effects_on_return(
        request, monkeypatch, services, ("submit", "request_extension", "watch_deadlines", "close_unevaluated")
    )
