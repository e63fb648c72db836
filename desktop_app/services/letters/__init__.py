"""Letters from the database: what each document claims, the legal conditions, the record.

``build`` reads one letter's values in a read transaction and refuses a letter whose legal
conditions do not hold; ``write`` renders the templates and the PDF outside any transaction
(templates run on a budget), writes the file next to its target, records the letters in the
activity log in one write transaction and only then puts the file in place; ``batch`` chooses
the debtors of a batch. A refused letter writes no file and records nothing.

Interest and compensation come from the interest domain (``interest_for``,
``compensation_for``) with the rate tables the caller hands in; this package never computes them.
"""

from desktop_app.services.letters.batch import (
    BatchRequest,
    batch_contractors,
    build_batch,
    postbook_path,
    write_batch,
)
from desktop_app.services.letters.build import (
    DEADLINE_DAYS,
    REGISTERED,
    Built,
    InterestSources,
    LetterRefusedError,
    LetterRequest,
    build_letter,
    registered_demands,
)
from desktop_app.services.letters.write import (
    WrittenLetters,
    load_sources,
    record_letter,
    render,
    write_letter,
    write_letters,
)

__all__ = [
    "DEADLINE_DAYS",
    "REGISTERED",
    "BatchRequest",
    "Built",
    "InterestSources",
    "LetterRefusedError",
    "LetterRequest",
    "WrittenLetters",
    "batch_contractors",
    "build_batch",
    "build_letter",
    "load_sources",
    "postbook_path",
    "record_letter",
    "registered_demands",
    "render",
    "write_batch",
    "write_letter",
    "write_letters",
]
