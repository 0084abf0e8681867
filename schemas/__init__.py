"""Pydantic schemas of gwr documents (ANNOTATION.md), shared by gold and predictions."""

from .checks import document_errors, format_loc, indicator_ids, load_document, validate_document
from .document import (
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    Commitment,
    Deadline,
    Document,
    Noise,
    Outcome,
    Quantity,
    Report,
    Section,
    comparator_of,
    resolve_deadline,
)
from .errors import GwrError, InputError, NormalisationError, OutputError, SchemaError, TableError
from .numerals import parse_number
from .vocabulary import BASE_UNITS, COMPARATORS, resolve_unit, tables

__all__ = [
    "SCHEMA_VERSION", "SCHEMA_VERSIONS", "BASE_UNITS", "COMPARATORS",
    "Commitment", "Deadline", "Document", "Noise", "Outcome", "Quantity", "Report", "Section",
    "GwrError", "InputError", "NormalisationError", "OutputError", "SchemaError", "TableError",
    "comparator_of", "document_errors", "format_loc", "indicator_ids", "load_document",
    "parse_number", "resolve_deadline", "resolve_unit", "tables", "validate_document",
]
