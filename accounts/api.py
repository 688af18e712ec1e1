"""API tokens over the API: `POST /api/v1/token/` {"username", "password"} → {"token",
"expiry"} (approvers and admins add "otp", the code from their authenticator app, when
two-factor sign-in is required), and `POST /api/v1/token/revoke/` to revoke the token used
(or, with {"all": true}, every token of its owner).

Sign-in failures count towards the same lockout as the sign-in page (django-axes), and the
endpoint is throttled per client address; see portal.clients.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import signin_services as services
from accounts.models import User
from portal.api import DETAIL, ERRORS, FailOpenThrottle
from portal.errors import FieldError, NotAllowed
from portal.permissions import needs_two_factor


class TokenRequest(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp = serializers.CharField(
        max_length=10,
        required=False,
        help_text="The code from the authenticator app: approvers and admins, when two-factor "
        "sign-in is required.",
    )


TOKEN = inline_serializer(
    "Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()}
)


class TokenCreate(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [FailOpenThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequest,
        responses={
            200: TOKEN,
            400: ERRORS,
            403: OpenApiResponse(DETAIL, description="Two-factor sign-in not set up yet"),
            429: OpenApiResponse(
                DETAIL, description="Locked out after failures, or too many requests"
            ),
        },
        summary="Exchange a username and password for an API token",
    )
    def post(self, request: Request) -> Response:
        given = TokenRequest(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        # A locked-out name and address get axes' 429 (portal.views.locked_out) in place of this.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if not isinstance(user, User):
            raise FieldError("password", "The username or password is wrong.")
        if needs_two_factor(user):
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                raise NotAllowed(
                    "Set up two-factor sign-in on the website first, then ask for a token with "
                    "the code from your authenticator app."
                )
            code = "".join(str(data.get("otp", "")).split())
            if not code:
                raise FieldError("otp", 'Give the code from your authenticator app as "otp".')
            if services.totp_verify(user, code) is None:
                raise FieldError(
                    "otp", "The code is wrong or has expired: give the code now shown."
                )
        token, key = services.api_token_issue(user)
        return Response({"token": key, "expiry": token.expiry})


class TokenRevoke(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=inline_serializer("TokenRevoke", {"all": serializers.BooleanField(required=False)}),
        responses={200: inline_serializer("Revoked", {"revoked": serializers.IntegerField()})},
        summary="Revoke the token used (or, with all, every token of its owner)",
    )
    def post(self, request: Request) -> Response:
        everything = isinstance(request.data, dict) and request.data.get("all") is True
        token = request.auth
        if everything or token is None:  # signed in with a session: all of them
            revoked = services.api_tokens_revoke(request.user)  # type: ignore[arg-type]
        else:
            token.delete()
            revoked = 1
        return Response({"revoked": revoked})
