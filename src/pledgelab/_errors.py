"""Errors that name the file, the line and the field.

Every problem with user input is an :class:`InputError`; the CLI prints its
messages and exits with status 2, never with a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field of one input file."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class InputError(Exception):
    """Bad input: one or more :class:`Problem` entries, each with file, line and field."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFoundError(InputError):
    """A name that matches nothing: a deal, pipeline or archetype (nothing shipped or on disk by
    that name), or a record id that is not in the ledger (:meth:`record`; the API answers 404)."""

    @classmethod
    def record(cls, kind: str, record_id: str) -> NotFoundError:
        """No ``kind`` record with id ``record_id`` in the ledger."""
        return cls([Problem("ledger", 0, f"{kind}.id", f"no {kind} {record_id!r} in the ledger")])


class ArgumentError(InputError, ValueError):
    """A library function called with an argument it cannot use (out of range, not finite, the
    wrong kind); the message names the argument. Also a ``ValueError``, for callers that catch that."""

    @classmethod
    def of(cls, field: str, message: str, *, where: str = "argument") -> ArgumentError:
        """One problem with argument ``field``."""
        return cls([Problem(where, 0, field, message)])


class UnknownNameError(NotFoundError, KeyError):
    """A name that is not among the known ones (a party of a result, a scenario); the message lists
    them. Also a ``KeyError``, for callers that look names up."""

    def __str__(self) -> str:  # KeyError would quote the message
        return "\n".join(str(p) for p in self.problems)


class InputWarning(UserWarning):
    """Input that can be used but is probably not what was meant (a deal run on another investor's
    pipeline); the CLI prints it as ``warning: ...`` on stderr."""


class UsageError(Exception):
    """A command-line argument that cannot be used (exit status 2, the message on stderr)."""
