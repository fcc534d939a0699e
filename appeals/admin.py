"""The appeals back office (诉求办理): queues, dispatch, handling, extensions, call-backs, time limits, statistics."""

from appeals import admin_interaction  # noqa: F401 - the interaction area's moderation registers itself

# isort: split
from appeals import admin_appeals, admin_extensions, admin_statistics  # noqa: F401 - each registers itself
