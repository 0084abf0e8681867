"""The one exception hierarchy of gwr.

`schemas` sits at the bottom of the package layers, so the base class lives
here and the other layers subclass it for their own failures (bad input, limits).
"""

from __future__ import annotations


class GwrError(Exception):
    """Base of every error gwr raises on purpose."""


class SchemaError(GwrError, ValueError):
    """A document (gold or prediction) breaks the schema or its source text.

    `errors` holds one message per problem, each starting with the location
    in the document (`commitments[17].quantities[0].base_unit: ...`).
    """

    def __init__(self, errors: list[str], source: str | None = None):
        self.errors = list(errors)
        self.source = source
        where = f"{source}: " if source else ""
        shown = "\n  ".join(self.errors[:20])
        more = f"\n  ... and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__(f"{where}{len(self.errors)} schema error(s):\n  {shown}{more}")


class InputError(GwrError):
    """A report cannot be read as text (a file, a table row, or a str that is not Unicode text);
    `gwr.inputs` subclasses it for each way a file fails."""


class TableError(GwrError):
    """A data table (units, numerals, ...) is malformed."""


class NormalisationError(GwrError, ValueError):
    """A number, unit or period text cannot be normalised."""


class OutputError(GwrError):
    """An output cannot be written: no space left, a read-only folder, a folder another run holds, or
    an output that would replace an input."""
