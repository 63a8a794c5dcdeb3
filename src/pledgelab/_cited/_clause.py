"""A clause: one value of a term sheet with its unit, status and sources.

Modelled on OpenFisca/PolicyEngine parameters: a value is never a bare
number, it carries a ``unit``, a ``label``, a ``status`` and the references
that support it. Where the record is silent the status is ``assumed`` and the
clause must say why (``reason``) and what else it could have been
(``alternatives``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """How firmly a clause's value is known."""

    AGREED = "agreed"  # in the signed text or an official joint summary
    REPORTED = "reported"  # reported by credible press or officials, text not seen
    ASSUMED = "assumed"  # the record is silent; a modelling choice with reason and alternatives
    DISPUTED = "disputed"  # sources disagree; the value is one reading
    SCENARIO = "scenario"  # set by an override (--set, a scenario file, the API): never written in a file


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference:
    """A public source: title, URL and publication date."""

    key: str
    title: str
    url: str
    date: dt.date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Alternative:
    """Another plausible value for an assumed or disputed clause."""

    value: Any
    label: str


@dataclass(frozen=True, slots=True, kw_only=True)
class HistoryEntry:
    """An earlier value of a clause, from an earlier position or report."""

    date: dt.date
    value: Any
    note: str
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Clause:
    """One value of a term sheet, with everything needed to defend it."""

    path: str
    value: Any
    unit: str
    label: str
    status: Status
    references: tuple[Reference, ...] = ()
    reason: str | None = None
    alternatives: tuple[Alternative, ...] = ()
    note: str | None = None
    history: tuple[HistoryEntry, ...] = ()
    file: str = ""
    line: int = 0

    def cite(self) -> str:
        """Short citation: the clause path, its status and its first source."""
        src = self.references[0].url if self.references else (self.reason or "")
        return f"{self.path} [{self.status}] {src}".rstrip()

    def with_value(self, value: Any, *, note: str) -> Clause:
        """A copy carrying another value, marked assumed (used for what-if overrides)."""
        return Clause(
            path=self.path,
            value=value,
            unit=self.unit,
            label=self.label,
            status=Status.ASSUMED,
            references=self.references,
            reason=note,
            alternatives=(Alternative(value=self.value, label=f"shipped value ({self.status})"),),
            note=self.note,
            history=self.history,
            file=self.file,
            line=self.line,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ClauseSpec:
    """What one clause field accepts: units, value kind and allowed choices."""

    units: tuple[str, ...]
    kind: str  # money | rate | fraction | count | date | choice | flag | tiers | shares | text-list
    choices: tuple[str, ...] = ()
    nullable: bool = False
    minimum: float | None = 0.0
    maximum: float | None = None
