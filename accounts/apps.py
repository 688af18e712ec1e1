from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from accounts.models import User
        from accounts.signin_services import api_tokens_revoke
        from portal.middleware import mark_seen

        def revoke_on_sign_out(
            sender: object, request: object, user: object, **kwargs: object
        ) -> None:
            """Signing out of the website revokes the person's API tokens too."""
            if isinstance(user, User):
                api_tokens_revoke(user)

        user_logged_out.connect(revoke_on_sign_out, weak=False, dispatch_uid="revoke-api-tokens")

        def seen_at_sign_in(
            sender: object, request: object, user: object, **kwargs: object
        ) -> None:
            """The idle clock starts at signing in (portal.middleware.IdleTimeout)."""
            session = getattr(request, "session", None)
            if session is not None:
                mark_seen(session)

        user_logged_in.connect(seen_at_sign_in, weak=False, dispatch_uid="idle-clock")
