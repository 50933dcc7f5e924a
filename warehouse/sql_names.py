"""Names in SQL statements: a name the project does not choose (a user's own table or column in the
warehouse, which may hold spaces, quotes or a keyword) is always quoted, never pasted in bare."""

from __future__ import annotations


def quote_name(name: str) -> str:
    """``name`` as a DuckDB identifier: in double quotes, a double quote inside it doubled."""
    return '"' + name.replace('"', '""') + '"'


def qualified_name(schema: str, table: str) -> str:
    return f"{quote_name(schema)}.{quote_name(table)}"
