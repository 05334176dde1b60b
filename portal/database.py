"""Database plumbing that knows nothing of careers."""


def bound_waits(sender, connection, **kwargs):
    """Make a new PostgreSQL connection give up on any one round trip after
    its QUERY_TIMEOUT seconds (DB_QUERY_TIMEOUT).

    libpq waits for an answer for ever, and TCP keepalives and
    tcp_user_timeout see nothing amiss while the server's host (or a pooler
    in front of it) still acknowledges every packet. So a hung database would
    hold the worker until gunicorn kills it, unanswered. The connection is
    closed instead, as its state is unknown, and the request fails with
    OperationalError: the 503 page, or a failed health check that reconnects.
    """
    seconds = connection.settings_dict.get("QUERY_TIMEOUT")
    if connection.vendor != "postgresql" or not seconds:
        return
    import psycopg

    raw = connection.connection
    wait = raw.wait  # every query, commit or health check waits through it

    def bounded_wait(gen, *args, timeout=None, **kwargs):
        timeout = seconds if timeout is None else min(timeout, seconds)
        try:
            return wait(gen, *args, timeout=timeout, **kwargs)
        # What Connection.wait() raises when its timeout expires.
        except psycopg.errors._WaitTimeout as error:
            raw.close()
            raise psycopg.OperationalError(
                f"no answer from the database within {seconds:g}s"
            ) from error

    raw.wait = bounded_wait
