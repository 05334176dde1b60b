"""Django's Redis cache, reusing one client per connection pool.

Django's RedisCacheClient builds a new redis.Redis object for every cache
operation, and redis-py 5 and later copy about 170 response callbacks into
each new one: that was half the time of a cached page (docs/performance.md).
A client is safe to share between threads (its pool hands out connections),
so one per pool is kept instead.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
