"""Importing extracts: tables of cases, contacts, registrations and assessments (CSV or Parquet), mapped to
timelines by a mapping file (``schemas/mapping.schema.json``; docs/import.md)."""

from .importer import ImportedCase, Tables, Tally, import_tables, open_tables
from .mapping import MappingError, TableMapping, load_mapping, parse_mapping
from .readers import TableError

__all__ = ["ImportedCase", "MappingError", "TableError", "TableMapping", "Tables", "Tally", "import_tables",
           "load_mapping", "open_tables", "parse_mapping"]
