"""Counting the queries a page costs, for the tests that compare a small and a large world."""

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from portal.middleware import mark_seen


def get_counting_queries(client: Client, url: str) -> tuple[int, HttpResponse]:
    """GET `url` (which must answer 200): the number of queries it took, and the response.

    The session is marked seen just before, so the idle timeout's once-a-minute session write
    (portal.middleware.IdleTimeout) never lands in one count and not in the other on a slow run.
    """
    if "sessionid" in client.cookies:
        session = client.session
        mark_seen(session)
        session.save()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries), response
