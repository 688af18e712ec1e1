"""Writes to the scorecard, one module per concern; each public function takes the actor as `by=`
where a person acts, and writes its audit event in the same transaction.

- `importing`: a published scorecard document into the catalogue, figures and an edition;
- `recording`: approved figures made current, every earlier version kept;
- `recomputing`: the live scorecard's rows from approved figures;
- `publishing`: the live scorecard frozen as a named edition;
- `targets`: a measure's target set or removed.
"""

from portal.errors import DomainError


class ScorecardError(DomainError):
    """A scorecard operation was refused; the message says why in plain words."""
