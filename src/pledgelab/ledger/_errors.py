"""What can go wrong with a ledger write, each naming the record and field.

All are :class:`~pledgelab._errors.InputError` subclasses, so the CLI prints
``file:line: field: message`` lines and exits with status 2; the API maps them
to 404, 409 and 422. A record that is not there is the project's one not-found
error (:class:`~pledgelab._errors.NotFoundError`, built by its ``record``), and
a missing optional dependency its one :class:`~pledgelab._extras.MissingExtra`;
both keep their ledger names here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pledgelab._errors import InputError, NotFoundError, Problem
from pledgelab._extras import MissingExtra

NotFound = NotFoundError  # the one not-found error; ``NotFound.record(kind, id)`` for a ledger record


class Conflict(InputError):
    """A write based on an old version of a record, or an id that is already taken."""

    def __init__(self, kind: str, record_id: str, message: str) -> None:
        self.kind = kind
        self.record_id = record_id
        super().__init__([Problem("ledger", 0, f"{kind}.{record_id}", message)])


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """A deal rule a write breaks: the clause, its citation and what is wrong."""

    clause: str
    citation: str
    message: str
    file: str = "ledger"
    line: int = 0

    def problem(self) -> Problem:
        return Problem(self.file, self.line, self.clause, f"{self.message} [{self.citation}]")

    def as_dict(self) -> dict[str, str]:
        return {"clause": self.clause, "citation": self.citation, "message": self.message}


class RuleViolation(InputError):
    """A write rejected because it breaks a clause of the deal (give an override to record it)."""

    def __init__(self, violations: Iterable[Violation]) -> None:
        self.violations = tuple(violations)
        super().__init__([v.problem() for v in self.violations])


__all__ = ["Conflict", "MissingExtra", "NotFound", "RuleViolation", "Violation"]
