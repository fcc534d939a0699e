"""The Celery tasks of 政企互动 (found by autodiscovery), one module per part."""

from engagement.tasks_articles import *  # noqa: F403
from engagement.tasks_consultations import *  # noqa: F403
from engagement.tasks_directory import *  # noqa: F403
from engagement.tasks_sessions import *  # noqa: F403
