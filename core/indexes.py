"""Indexes for `icontains` search: trigram GIN indexes on PostgreSQL, nothing on SQLite.

Django writes `name__icontains=q` as `UPPER(name::text) LIKE UPPER('%q%')` on PostgreSQL, which no
B-tree index can serve: every search read the whole table. A GIN index with pg_trgm's
`gin_trgm_ops` over that same expression, `UPPER(name::text)`, answers it from the index, for any
substring of three characters or more. The migration that adds one needs the extension first
(`django.contrib.postgres.operations.TrigramExtension`, itself a no-op on other databases).

On SQLite (development, the test suite) the index creates and drops nothing, so the same model
and the same migrations run everywhere, and a table rebuilt by a later SQLite migration does not
trip on PostgreSQL-only syntax. LIKE without an index stays correct there, only slower.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db.backends.ddl_references import Statement
from django.db.models import TextField
from django.db.models.functions import Cast, Upper


class _NoStatement(Statement):
    """An empty DDL statement: what the index is on databases other than PostgreSQL."""

    def __init__(self):
        super().__init__("")


class TrigramSearchIndex(GinIndex):
    """`TrigramSearchIndex("handle", "name", name="...")`: one GIN index over UPPER(col::text) of each column."""

    def __init__(self, *columns: str, name: str, **kwargs):
        self.columns = tuple(columns)
        expressions = [OpClass(Upper(Cast(column, TextField())), name="gin_trgm_ops") for column in self.columns]
        super().__init__(*expressions, name=name, **kwargs)

    def deconstruct(self):
        _, _, kwargs = super().deconstruct()
        return "core.indexes.TrigramSearchIndex", self.columns, kwargs

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return _NoStatement()
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def remove_sql(self, model, schema_editor, **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return _NoStatement()
        return super().remove_sql(model, schema_editor, **kwargs)
