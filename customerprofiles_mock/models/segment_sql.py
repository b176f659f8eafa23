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
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..clock import now
from ..exceptions import BadRequestException

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


def connect() -> sqlite3.Connection:
    """An in-memory database with the mock's date functions (see ``_prepare``).

    Calls for one account and region run one at a time under its lock, but not always on
    the same thread, so the connection is not tied to the thread that opened it.
    """
    db = sqlite3.connect(":memory:", check_same_thread=False)
    db.create_function("CP_ADD_DAYS", 3, _add_days, deterministic=True)
    db.create_function("CP_ADD_MONTHS", 2, _add_months, deterministic=True)
    db.create_function("TS_OR_DS_ADD", 3, _add_days, deterministic=True)
    db.create_function("YEAR", 1, _part(0), deterministic=True)
    db.create_function("MONTH", 1, _part(1), deterministic=True)
    db.create_function("DAY", 1, _part(2), deterministic=True)
    return db
