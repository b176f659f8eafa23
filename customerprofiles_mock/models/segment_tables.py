"""A domain's SQL tables for ENHANCED segments, kept row by row as the domain changes.

The tables are those ``segment_sql`` documents. They are built once, the first time a
domain answers SQL, and from then on every change the store publishes updates the rows
it touches (a profile upserted or deleted, an object inserted or deleted), so a query
costs what SQLite needs to answer it, not a rebuild of the domain. An object type whose
definition changed gets its table rebuilt from that type's objects when next queried.

Checking a query needs no data at all: :func:`check` prepares it against the tables'
schema only (``EXPLAIN``), so an unknown table or column is caught without scanning.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from typing import Any

from ..exceptions import BadRequestException
from .compare import number
from .mapping import evaluate, string_profile_fields
from .segment_sql import ADDRESS_SUBFIELDS, column, connect
from .store import ADDRESS_FIELDS, Profile, ProfileObject

#: An object type's columns: (column, SQL type, field name) after ProfileId,
#: ProfileObjectUniqueKey and IngestedAt.
TypeColumns = tuple[tuple[str, str, str], ...]
_LEAD = ("ProfileId", "ProfileObjectUniqueKey", "IngestedAt")
_ATTRIBUTE = re.compile(r"\bAttributes_\w+")


def _distinct(names: Iterable[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Sanitized names, first one kept where two clash without case (as SQLite sees them)."""
    kept: dict[str, tuple[str, Any]] = {}
    for name, extra in names:
        kept.setdefault(column(name).lower(), (column(name), extra))
    return list(kept.values())


def type_columns(fields: dict[str, Any]) -> TypeColumns:
    """The columns of an object type's table, from its field definitions."""
    named = _distinct(
        (name, "REAL" if spec.get("ContentType") == "NUMBER" else "TEXT")
        for name, spec in fields.items()
    )
    by_column = {column(name).lower(): name for name in reversed(list(fields))}
    lead = {c.lower() for c in _LEAD}
    return tuple(
        (col, kind, by_column[col.lower()]) for col, kind in named if col.lower() not in lead
    )


class SqlTables:
    """The SQLite database behind a domain's SQL segments."""

    def __init__(self) -> None:
        self.db = connect()
        base: list[tuple[str, Any]] = [("ProfileId", None)]
        base += [(f, None) for f in string_profile_fields()]
        base += [(f"{a}_{s}", (a, s)) for a in ADDRESS_FIELDS for s in ADDRESS_SUBFIELDS]
        base += [("CreatedAt", None), ("LastUpdatedAt", None)]
        self.profile_columns: list[tuple[str, Any]] = _distinct(base)
        #: lower-cased sanitized attribute column -> (column, attribute name or None)
        self.attributes: dict[str, tuple[str, str | None]] = {}
        #: object type -> (table name, columns); a type whose table name clashes has none
        self.types: dict[str, tuple[str, TypeColumns]] = {}
        #: compiled query -> the name of the column holding its profile ids
        self.id_columns: dict[str, str] = {}
        spec = ", ".join(f'"{c}" TEXT' for c, _ in self.profile_columns)
        self.db.execute(f'CREATE TABLE "profiles" ({spec}, PRIMARY KEY ("ProfileId"))')

    # -- schema ------------------------------------------------------------------------
    def _attribute_column(self, name: str, attribute: str | None) -> str:
        """The column of a custom attribute, added the first time it is seen."""
        key = name.lower()
        found = self.attributes.get(key)
        if found is None:
            if key in {c.lower() for c, _ in self.profile_columns}:
                return name  # a standard column already has that name
            self.db.execute(f'ALTER TABLE "profiles" ADD COLUMN "{name}" TEXT')
            found = self.attributes[key] = (name, attribute)
        elif attribute is not None and found[1] is None:
            found = self.attributes[key] = (found[0], attribute)
        return found[0]

    def cover(self, compiled: str) -> None:
        """Give every ``Attributes_x`` the query names a column (NULL until set)."""
        for name in set(_ATTRIBUTE.findall(compiled)):
            self._attribute_column(name, None)

    def sync_type(self, name: str, fields: dict[str, Any] | None) -> bool:
        """Make an object type's table match its definition; True when it was (re)made
        and needs its rows (re)filled."""
        current = self.types.get(name)
        if fields is None:
            if current is not None:
                self.db.execute(f'DROP TABLE IF EXISTS "{current[0]}"')
                del self.types[name]
            return False
        columns = type_columns(fields)
        if current is not None and current[1] == columns:
            return False
        if current is not None:
            self.db.execute(f'DROP TABLE IF EXISTS "{current[0]}"')
        table = column(name)
        taken = {"profiles"} | {t.lower() for n, (t, _) in self.types.items() if n != name}
        if table.lower() in taken:  # "Profiles", or two types differing only in case
            self.types.pop(name, None)
            return False
        spec = ", ".join(
            [f'"{c}" TEXT' for c in _LEAD] + [f'"{c}" {kind}' for c, kind, _ in columns]
        )
        self.db.execute(f'CREATE TABLE "{table}" ({spec}, PRIMARY KEY ("ProfileObjectUniqueKey"))')
        # One profile's rows found by index: what a membership check of one profile reads.
        self.db.execute(f'CREATE INDEX "{table}__profile" ON "{table}" ("ProfileId")')
        self.types[name] = (table, columns)
        return True

    def schema_only(self) -> sqlite3.Connection:
        """An empty database with the same tables: for checking a query without data."""
        db = connect()
        for (sql,) in self.db.execute("SELECT sql FROM sqlite_master WHERE type = 'table'"):
            db.execute(sql)
        return db

    # -- rows --------------------------------------------------------------------------
    def put_profile(self, profile: Profile) -> None:
        names: list[str] = []
        values: list[Any] = []
        fields = profile.fields
        for col, address in self.profile_columns:
            if address is not None:
                value = (fields.get(address[0]) or {}).get(address[1])
            elif col == "ProfileId":
                value = profile.profile_id
            elif col == "CreatedAt":
                value = profile.created_at.isoformat()
            elif col == "LastUpdatedAt":
                value = profile.last_updated_at.isoformat()
            else:
                value = fields.get(col)
            names.append(col)
            values.append(value if not isinstance(value, (dict, list)) else None)
        for attribute, value in (fields.get("Attributes") or {}).items():
            col = self._attribute_column(f"Attributes_{column(attribute)}", attribute)
            if col not in names:
                names.append(col)
                values.append(value)
        quoted = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        self.db.execute(f'INSERT OR REPLACE INTO "profiles" ({quoted}) VALUES ({marks})', values)

    def remove_profile(self, profile_id: str) -> None:
        self.db.execute('DELETE FROM "profiles" WHERE "ProfileId" = ?', (profile_id,))

    def put_object(self, obj: ProfileObject, fields: dict[str, Any]) -> None:
        found = self.types.get(obj.object_type)
        if found is None or obj.profile_id is None:
            return
        table, columns = found
        document = obj.document
        row: list[Any] = [obj.profile_id, obj.unique_key, obj.ingested_at.isoformat()]
        for _, kind, field in columns:
            value = evaluate(fields.get(field, {}).get("Source", ""), document)
            row.append(number(value) if kind == "REAL" else value)
        marks = ", ".join("?" for _ in row)
        self.db.execute(f'INSERT OR REPLACE INTO "{table}" VALUES ({marks})', row)

    def remove_object(self, obj: ProfileObject) -> None:
        found = self.types.get(obj.object_type)
        if found is not None:
            self.db.execute(
                f'DELETE FROM "{found[0]}" WHERE "ProfileObjectUniqueKey" = ?', (obj.unique_key,)
            )

    # -- queries -----------------------------------------------------------------------
    def run(self, compiled: str) -> list[str]:
        """Profile ids the query selects, in the order it returns them, once each."""
        self.cover(compiled)
        try:
            cursor = self.db.execute(compiled)
            names = [d[0] for d in cursor.description or ()]
            at = names.index("ProfileId") if "ProfileId" in names else 0
            return list(dict.fromkeys(str(row[at]) for row in cursor if row[at] is not None))
        except sqlite3.Error as error:
            raise BadRequestException(f"SegmentSqlQuery cannot run: {error}") from None

    def selects(self, compiled: str, profile_id: str) -> bool:
        """Whether the query selects this profile, filtered on its id so that SQLite
        reads only that profile's rows (it pushes the filter into the query)."""
        self.cover(compiled)
        try:
            column_name = self.id_columns.get(compiled)
            if column_name is None:
                cursor = self.db.execute(f"SELECT * FROM ({compiled}) LIMIT 0")
                names = [d[0] for d in cursor.description or ()]
                column_name = "ProfileId" if "ProfileId" in names else names[0]
                self.id_columns[compiled] = column_name
            found = self.db.execute(
                f'SELECT 1 FROM ({compiled}) AS q WHERE q."{column_name}" = ? LIMIT 1',
                (profile_id,),
            ).fetchone()
        except sqlite3.Error as error:
            raise BadRequestException(f"SegmentSqlQuery cannot run: {error}") from None
        return found is not None


def check(tables: SqlTables, compiled: str) -> None:
    """Refuse a query that cannot run over these tables, reading no rows."""
    tables.cover(compiled)
    db = tables.schema_only()
    try:
        db.execute(f"EXPLAIN {compiled}")
    except sqlite3.Error as error:
        raise BadRequestException(f"SegmentSqlQuery cannot run: {error}") from None
    finally:
        db.close()
