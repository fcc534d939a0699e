"""The models of 政企互动, one module per part."""

from .articles import *  # noqa: F403
from .consultations import *  # noqa: F403
from .directory import *  # noqa: F403
from .sessions import *  # noqa: F403
