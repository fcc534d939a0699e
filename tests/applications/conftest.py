import pytest


@pytest.fixture(autouse=True)
def _run_after_commit(request, monkeypatch):
    """Effects after commit (progress messages, documents, 公示) run as they would in production: the test's
    own transaction never commits, so each transition's callbacks run when its `perform` returns."""
    from tests.after_commit import run_effects_on_return

    run_effects_on_return(request, monkeypatch, None, ())


@pytest.fixture(autouse=True)
def _documents_only_where_checked(request, monkeypatch):
    """Rendering and signing a PDF takes a noticeable time; the tests that check documents mark themselves
    `@pytest.mark.documents`, the others skip issuing them."""
    if request.node.get_closest_marker("documents") is None:
        monkeypatch.setattr("applications.documents.issue_for", lambda application, kind: None)
