"""Days overdue and aging buckets.

"Days overdue" is the as-of date minus the due date: the due day itself is not overdue.
Bucket bounds are configurable; the default is 1-30, 31-60, 61-90, 91-180, 181+.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DEFAULT_BOUNDS: tuple[int, ...] = (30, 60, 90, 180)
#: the widest bucket bound: a century overdue; more would leave the calendar (OverflowError)
MAX_BOUND_DAYS = 36_500
NOT_DUE = "not_due"


def days_overdue(due: date, as_of: date) -> int:
    return max(0, (as_of - due).days)


@dataclass(frozen=True)
class AgingBuckets:
    """Upper bounds (inclusive, in days overdue) of every bucket but the last, open one."""

    bounds: tuple[int, ...] = DEFAULT_BOUNDS

    def __post_init__(self) -> None:
        if not self.bounds or any(not 0 < b <= MAX_BOUND_DAYS for b in self.bounds):
            raise ValueError(f"bucket bounds must be between 1 and {MAX_BOUND_DAYS} days")
        if list(self.bounds) != sorted(set(self.bounds)):
            raise ValueError("bucket bounds must be strictly increasing")

    @classmethod
    def parse(cls, text: str) -> AgingBuckets:
        """ "30,60,90,180" -> AgingBuckets((30, 60, 90, 180))."""
        return cls(tuple(int(part) for part in text.split(",") if part.strip()))

    @property
    def labels(self) -> tuple[str, ...]:
        labels = []
        lower = 1
        for upper in self.bounds:
            labels.append(f"{lower}-{upper}")
            lower = upper + 1
        labels.append(f"{lower}+")
        return tuple(labels)

    def label_for(self, overdue_days: int) -> str:
        """Bucket label for a number of days overdue; 0 means not yet due."""
        if overdue_days <= 0:
            return NOT_DUE
        for label, upper in zip(self.labels, self.bounds, strict=False):
            if overdue_days <= upper:
                return label
        return self.labels[-1]

    def due_date_thresholds(self, as_of: date) -> list[tuple[str, date]]:
        """(label, earliest due date in it), youngest first, for a SQL CASE over due dates.

        The oldest bucket is open-ended and has no threshold: it is the CASE's ELSE.
        """
        bounded = zip(self.labels, self.bounds, strict=False)
        return [(NOT_DUE, as_of)] + [
            (label, as_of - timedelta(days=upper)) for label, upper in bounded
        ]
