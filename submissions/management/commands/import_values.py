"""`import_values PATH --user USERNAME [--submit]`: a submission from a long-format file, made as
that user through exactly the validation of the web upload. Saves nothing on any error."""

from pathlib import Path
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.errors import DomainError
from submissions.models import Channel
from submissions.resources import ignored_text, read_values_file
from submissions.services import InvalidSubmission, submission_create
from submissions.validation import Issue


def _line(issue: Issue) -> str:
    where = f"Row {issue.row}, {issue.field}" if issue.row is not None else issue.field.capitalize()
    return f"{where}: {issue.message}"


class Command(BaseCommand):
    help = "Create a submission from a long-format CSV or XLSX file of figures."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="CSV (UTF-8) or XLSX file in long format.")
        parser.add_argument("--user", required=True, help="Username of the data lead submitting.")
        parser.add_argument(
            "--submit", action="store_true", help="Submit for approval, not just save a draft."
        )

    def handle(self, *args: Any, path: Path, user: str, submit: bool, **options: Any) -> None:
        try:
            # One byte past the limit is enough to refuse it: a huge file is never read whole.
            with path.open("rb") as stream:
                content = stream.read(settings.MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from None
        # The file is judged before anything else, so a bad file costs no database work.
        parsed = read_values_file(path.name, content)
        if parsed.issues:
            self._fail(path, parsed.issues)
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"There is no user called {user!r}.")
        try:
            submission, result = submission_create(
                by=actor, rows=parsed.rows, channel=Channel.COMMAND, submit=submit
            )
        except InvalidSubmission as exc:
            self._fail(path, exc.errors)
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        if parsed.ignored:
            self.stderr.write(f"{ignored_text(parsed.ignored)}.")
        for warning in result.warnings:
            self.stderr.write(f"Warning: {_line(warning)}")
        state = "submitted" if submit else "draft"
        self.stdout.write(f"Submission {submission.pk} created ({state})")

    def _fail(self, path: Path, issues: list[Issue]) -> NoReturn:
        for issue in issues:
            self.stderr.write(_line(issue))
        raise CommandError(f"{len(issues)} problem(s) in {path.name}: nothing was saved.")
