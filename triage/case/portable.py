"""SQL that means the same on SQLite and PostgreSQL, where the two spell it differently.

Queries are written once, with SQLite's names; the PostgreSQL spelling is
supplied here at compile time, so no query needs to ask which database it
runs on. Imported by `triage.case.store`, before any query is built.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class group_concat(GenericFunction):  # noqa: N801 - the SQL function's own name
    """`group_concat(value, separator)`: the group's values joined (order unspecified).

    Registered under SQLite's name, so `func.group_concat(...)` anywhere
    builds this element; PostgreSQL spells it `string_agg`.
    """

    type = String()
    inherit_cache = True


@compiles(group_concat, "postgresql")
def _string_agg(element, compiler, **kw):
    value, separator = list(element.clauses)
    return (f"string_agg(CAST({compiler.process(value, **kw)} AS TEXT), "
            f"{compiler.process(separator, **kw)})")

