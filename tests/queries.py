"""Counting the queries a page costs, for the tests that compare a small and a large world."""

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext


def get_counting_queries(client: Client, url: str) -> tuple[int, HttpResponse]:
    """GET `url` (which must answer 200): the number of queries it took, and the response."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries), response
