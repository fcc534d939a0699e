import pytest


@pytest.fixture(scope="session", autouse=True)
def _roles_as_declared(django_db_setup, django_db_blocker):
    """A reused test database keeps the role groups of the day it was created; bring them up to roles.py."""
    from portal.org.services import sync_roles

    with django_db_blocker.unblock():
        sync_roles()


@pytest.fixture(scope="session", autouse=True)
def _static_files_looked_up_on_request():
    """Every test client builds the middleware anew, and WhiteNoise would index all of STATIC_ROOT each time.

    After collectstatic (scripts/test.sh runs it) that index cost about 40 ms per client, thousands of times
    a run; in autorefresh mode WhiteNoise looks a file up only when one is asked for, and serves the same files.
    tests/core/test_run_command.py checks the production mode, which indexes them once at start-up.
    """
    from django.conf import settings

    settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(scope="session", autouse=True)
def _cache_of_this_worker():
    """Each pytest-xdist process gets cache keys of its own: the home page cached by one process (its own
    database's policies) must never be read by the other."""
    import os

    from django.conf import settings
    from django.test import override_settings

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    caches = {
        name: {**options, "KEY_PREFIX": f"{options.get('KEY_PREFIX', '')}-test-{worker}"}
        for name, options in settings.CACHES.items()
    }
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's language: a request in English leaves its thread in English otherwise."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests hash many passwords; the production hasher would take a noticeable time for each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_home_page():
    """The home page's data is cached in Redis, which outlives each test's rolled-back database: start without it."""
    from django.core.cache import cache

    from portal.core.home import HOME_CACHE_KEY

    cache.delete(HOME_CACHE_KEY)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploads and signed documents in tests go to a temporary folder, never into var/media or var/documents."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": tmp_path / "media"}},
        "documents": {**settings.STORAGES["documents"], "OPTIONS": {"location": tmp_path / "documents"}},
    }


@pytest.fixture(scope="session")
def _session_signing_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("signing")


@pytest.fixture(autouse=True)
def _signing_keys(settings, _session_signing_dir):
    """Development signing keys and seals, made on first use and shared by the whole test run, never in var/."""
    settings.DOCUMENT_SIGNING_DIR = _session_signing_dir
    settings.DOCUMENT_SIGNING_TRUST_ROOTS = []
    settings.DOCUMENT_SIGNING_REQUIRE_CONFIGURED_KEYS = False


def _reseed_after_flush(sender, using, **kwargs):
    """Puts back the rows the data migrations wrote, after a transactional test flushed the database.

    Transactional tests (live server, real Celery workers) end with a flush of
    every table; Django then sends post_migrate, which restores content types,
    permissions and role groups, but not what RunPython migrations seeded (the
    working-day calendar, policy categories, SMS templates …). Re-running those
    operations here keeps every later test on the same data a fresh database has.
    The calendar table is the sign: it is never empty except after a flush.
    """
    from django.apps import apps as global_apps
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    from portal.workcalendar.models import CalendarYear

    if CalendarYear.objects.using(using).exists():
        return
    connection = connections[using]
    loader = MigrationLoader(connection)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan.extend(node for node in loader.graph.forwards_plan(leaf) if node not in plan)
    with connection.schema_editor() as schema_editor:
        for node in plan:
            for operation in loader.graph.nodes[node].operations:
                if isinstance(operation, RunPython):
                    operation.code(global_apps, schema_editor)


@pytest.fixture(scope="session", autouse=True)
def _fast_flush(_roles_as_declared, django_db_blocker):
    """Transactional tests end in one DELETE-and-restore statement instead of TRUNCATE + post_migrate
    (tests/fast_flush.py); the post_migrate handlers stay for a connection that is not a superuser's."""
    from django.core.management.commands import flush

    from tests import fast_flush

    with django_db_blocker.unblock():
        uninstall = fast_flush.install()
    if uninstall is None:
        yield
        return
    emit = flush.emit_post_migrate_signal
    flush.emit_post_migrate_signal = lambda *args, **kwargs: None
    yield
    flush.emit_post_migrate_signal = emit
    uninstall()


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reseed_after_flush, dispatch_uid="tests-reseed-after-flush")
