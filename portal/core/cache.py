"""A Redis cache that degrades to "no cache" while Redis is unreachable."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    """Reads miss and writes are dropped when Redis is down; pages keep rendering."""

    def _guard(name, fallback=None):  # noqa: N805 - a decorator factory used in the class body
        def method(self, *args, **kwargs):
            try:
                return getattr(super(), name)(*args, **kwargs)
            except (RedisError, OSError) as exc:
                log.warning("cache unavailable", extra={"operation": name, "error": str(exc)})
                return fallback(*args, **kwargs) if callable(fallback) else fallback

        method.__name__ = name
        return method

    get = _guard("get", lambda key, default=None, version=None: default)
    get_many = _guard("get_many", lambda *a, **k: {})
    set = _guard("set")
    set_many = _guard("set_many", lambda *a, **k: [])
    add = _guard("add", False)
    delete = _guard("delete", False)
    delete_many = _guard("delete_many")
    touch = _guard("touch", False)
    has_key = _guard("has_key", False)
    incr = _guard("incr", lambda key, delta=1, version=None: delta)
    clear = _guard("clear", False)
    del _guard


def redis_client():
    """A plain Redis client on the cache's database (counters that must survive between requests), with the
    cache's short timeouts, so an outage costs half a second and raises `RedisError`."""
    import redis
    from django.conf import settings

    location = settings.CACHES["default"]["LOCATION"]
    return redis.Redis.from_url(location, socket_connect_timeout=0.5, socket_timeout=0.5)
