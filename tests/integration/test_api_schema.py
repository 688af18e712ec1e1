"""Schemathesis against /api/v1/schema/: generated requests (valid and invalid) to every
operation, as a data lead and as an approver, and every response must be documented there
(status, content type and body shape) and never a 5xx. Bounded: a few examples per operation,
derandomised so a run is repeatable."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.signin_services import api_token_issue
from tests.conftest import totp_device

#: Generated cases per operation (valid and invalid alike), each sent as a lead and an approver.
EXAMPLES = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api_schema(db, settings):
    """The schema, served by the WSGI application itself. Its requests must not close the
    test's connection between requests (CONN_MAX_AGE would, inside the test's transaction), as
    Django's own test client makes sure by the same means."""
    settings.ALLOWED_HOSTS = ["*"]  # schemathesis' WSGI client calls itself "localhost"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def callers(imported, lead, approver):
    totp_device(approver)
    return [lead, approver]


@pytest.mark.django_db
def test_every_api_response_is_documented_and_never_a_server_error(api_schema, callers):
    # Schemathesis' pytest plugin does not run under pytest 9 yet: each operation's strategy
    # is driven by Hypothesis here instead, with the same checks.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(
            case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE)
            | operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)
        )
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def responses_conform(case):
            for user in callers:  # a token each time: a generated case may revoke the last
                token = api_token_issue(user)[1]
                # Its WSGI client asks for gzip, as HTTP libraries do, but unlike them does not
                # decompress what it gets (the live scorecard is sent compressed).
                headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
                case.call_and_validate(headers=headers, checks=CHECKS)

        responses_conform()
