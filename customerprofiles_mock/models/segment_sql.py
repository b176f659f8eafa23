"""ENHANCED segments: Spark SQL, parsed by sqlglot and run in-process on SQLite.

AWS documents the dialect as Spark SQL. sqlglot reads it (``read="spark"``) and writes
SQLite, which the standard library runs in memory over these tables:

* ``profiles``: one row per profile. ``ProfileId`` and every string field of the standard
  profile (``FirstName``, ``EmailAddress``, ``Gender``, ...); address sub-fields as
  ``<Address>_<SubField>`` (``Address_City``, ``ShippingAddress_PostalCode``); custom
  attributes as ``Attributes_<name>`` (characters other than letters, digits and ``_``
  become ``_``); ``CreatedAt`` and ``LastUpdatedAt`` as ISO 8601 text.
* one table per profile object type, named like the type: ``ProfileId``,
  ``ProfileObjectUniqueKey``, ``IngestedAt`` (ISO 8601 text), then one column per field
  of the type (NUMBER fields as REAL, the others as TEXT).

A query must select profile ids: a single column, or a column named ``ProfileId``.
``current_date()`` and ``current_timestamp()`` read the mock's clock, so freezegun moves
them; ``date_add``/``date_sub``, ``add_months``, ``year``/``month``/``day`` are provided.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..exceptions import BadRequestException
from .mapping import string_profile_fields
from .store import ADDRESS_FIELDS, Profile

if TYPE_CHECKING:  # sqlglot is imported on first use: most tests never run SQL
    from sqlglot import exp

#: Terminal highlighting sqlglot puts around the offending token in its messages.
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def column(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _date(text: Any) -> date | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _add_days(value: Any, amount: Any, unit: Any = "DAY") -> str | None:
    start = _date(value)
    if start is None or amount is None:
        return None
    if str(unit).upper().startswith("MONTH"):
        return _add_months(value, amount)
    if str(unit).upper().startswith("YEAR"):
        return _add_months(value, int(amount) * 12)
    return (start + timedelta(days=float(amount))).isoformat()


def _add_months(value: Any, amount: Any) -> str | None:
    start = _date(value)
    if start is None or amount is None:
        return None
    months = start.year * 12 + start.month - 1 + int(amount)
    year, month = divmod(months, 12)
    day = min(
        start.day,
        [
            31,
            29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ][month],
    )
    return date(year, month + 1, day).isoformat()


def _part(index: int) -> Any:
    def read(value: Any) -> int | None:
        found = _date(value)
        return None if found is None else (found.year, found.month, found.day)[index]

    return read


def _prepare(tree: exp.Expression) -> exp.Expression:
    """Pin the clock to the mock's, and turn Spark date helpers into SQLite functions."""
    from sqlglot import exp

    stamp = now()

    def pin_clock(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.CurrentDate):
            return exp.Literal.string(stamp.date().isoformat())
        if isinstance(node, exp.CurrentTimestamp):
            return exp.Literal.string(stamp.isoformat())
        return node

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, (exp.TsOrDsAdd, exp.DateAdd, exp.DateSub)):
            unit = node.args.get("unit")
            amount = node.expression
            if isinstance(node, exp.DateSub):
                amount = exp.Neg(this=amount)
            return exp.Anonymous(
                this="CP_ADD_DAYS",
                expressions=[node.this, amount, exp.Literal.string(unit.name if unit else "DAY")],
            )
        if isinstance(node, exp.AddMonths):
            return exp.Anonymous(this="CP_ADD_MONTHS", expressions=[node.this, node.expression])
        return node

    return tree.transform(pin_clock).transform(rewrite)


def compile_query(sql: str) -> str:
    """Spark SQL -> the SQLite text to run; BadRequest when it does not parse or select ids.

    Every identifier is quoted in the output, so fields and types named like SQL keywords
    (``group``, ``order``) or starting with a digit work; SQLite still matches them
    case-insensitively, as Spark does.
    """
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        statements = sqlglot.parse(sql, read="spark")
    except SqlglotError as error:
        message = _ANSI.sub("", str(error))
        raise BadRequestException(f"SegmentSqlQuery is not valid Spark SQL: {message}") from None
    if len(statements) != 1 or not isinstance(statements[0], (exp.Select, exp.SetOperation)):
        raise BadRequestException("SegmentSqlQuery must be one SELECT statement")
    tree = statements[0]
    selects = tree.selects if isinstance(tree, exp.Select) else tree.this.selects  # type: ignore[union-attr]
    names = [s.alias_or_name for s in selects]
    if len(selects) != 1 and "ProfileId" not in names:
        raise BadRequestException(
            "SegmentSqlQuery must select profile ids: one column, or a column named ProfileId"
        )
    return str(_prepare(tree).sql(dialect="sqlite", identify=True))


def _profile_row(profile: Profile, attributes: list[str]) -> list[Any]:
    row: list[Any] = [profile.profile_id]
    for name in string_profile_fields():
        row.append(profile.fields.get(name))
    for name in ADDRESS_FIELDS:
        address = profile.fields.get(name) or {}
        row.extend(address.get(sub) for sub in ADDRESS_SUBFIELDS)
    custom = profile.fields.get("Attributes") or {}
    row.extend(custom.get(a) for a in attributes)
    row.extend((profile.created_at.isoformat(), profile.last_updated_at.isoformat()))
    return row


ADDRESS_SUBFIELDS = (
    "Address1",
    "Address2",
    "Address3",
    "Address4",
    "City",
    "County",
    "State",
    "Province",
    "Country",
    "PostalCode",
)


def _connect() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.create_function("CP_ADD_DAYS", 3, _add_days, deterministic=True)
    db.create_function("CP_ADD_MONTHS", 2, _add_months, deterministic=True)
    db.create_function("TS_OR_DS_ADD", 3, _add_days, deterministic=True)
    db.create_function("YEAR", 1, _part(0), deterministic=True)
    db.create_function("MONTH", 1, _part(1), deterministic=True)
    db.create_function("DAY", 1, _part(2), deterministic=True)
    return db


def run(
    compiled: str,
    profiles: Iterable[Profile],
    object_tables: dict[str, tuple[list[tuple[str, str]], list[list[Any]]]],
) -> list[str]:
    """Profile ids the query selects, in the order it returns them (duplicates dropped).

    ``object_tables`` maps a type name to its (column, SQL type) list and rows.
    """
    profiles = list(profiles)
    attributes = sorted({name for p in profiles for name in (p.fields.get("Attributes") or {})})
    columns = ["ProfileId", *string_profile_fields()]
    columns += [f"{a}_{s}" for a in ADDRESS_FIELDS for s in ADDRESS_SUBFIELDS]
    columns += [f"Attributes_{column(a)}" for a in attributes]
    columns += ["CreatedAt", "LastUpdatedAt"]
    # A custom attribute no profile has yet is a column of NULLs, not an error.
    missing = sorted(set(re.findall(r"\bAttributes_\w+", compiled)) - set(columns))
    columns += missing
    padding = [None] * len(missing)
    db = _connect()
    try:
        _table(
            db,
            "profiles",
            [(c, "TEXT") for c in columns],
            [_profile_row(p, attributes) + padding for p in profiles],
        )
        taken = {"profiles"}
        for name, (cols, rows) in object_tables.items():
            # SQLite table names ignore case: a type called "Profiles" (or two types that
            # differ only in case) would clash; the profiles table and the first type win.
            if column(name).lower() not in taken:
                taken.add(column(name).lower())
                _table(db, column(name), cols, rows)
        cursor = db.execute(compiled)
        names = [d[0] for d in cursor.description or ()]
        at = names.index("ProfileId") if "ProfileId" in names else 0
        return list(dict.fromkeys(str(row[at]) for row in cursor if row[at] is not None))
    except sqlite3.Error as error:
        raise BadRequestException(f"SegmentSqlQuery cannot run: {error}") from None
    finally:
        db.close()


def _table(
    db: sqlite3.Connection, name: str, cols: list[tuple[str, str]], rows: list[list[Any]]
) -> None:
    """Create and fill a table; of columns whose names clash once sanitized, the first wins.

    Names are quoted, so keywords (``group``) and leading digits (``1st``) are plain
    columns; SQLite compares them without case, so the clash check does too.
    """
    keep: dict[str, tuple[str, int]] = {}
    for index, (col, _) in enumerate(cols):
        keep.setdefault(column(col).lower(), (column(col), index))
    spec = ", ".join(f'"{c}" {cols[i][1]}' for c, i in keep.values())
    db.execute(f'CREATE TABLE "{name}" ({spec})')
    if rows:
        marks = ", ".join("?" for _ in keep)
        picks = [i for _, i in keep.values()]
        db.executemany(
            f'INSERT INTO "{name}" VALUES ({marks})', ([row[i] for i in picks] for row in rows)
        )
