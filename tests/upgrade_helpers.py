"""One row in every table of a database at any migration, made up from what the database says
about its tables (columns, types, foreign keys, check constraints), and read back after an
upgrade. Nothing here names a table, so every new table and migration is covered as it comes."""
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy import MetaData, inspect, select, text, types
from sqlalchemy.exc import IntegrityError

WHEN = datetime(2026, 1, 2, 3, 4, 5)
IN_LIST = re.compile(r"\b(\w+)\s+IN\s*\(\s*'([^']*)'", re.IGNORECASE)
# PostgreSQL reports `x IN ('a', 'b')` as `(x)::text = ANY ((ARRAY['a'::character varying, ...`.
ANY_ARRAY = re.compile(r"\(?(\w+)\)?(?:::[\w ]+)?\s*=\s*ANY\s*\(+ARRAY\['([^']*)'", re.IGNORECASE)
IS_NULL = re.compile(r"\b(\w+)\s+IS\s+NULL", re.IGNORECASE)


def shop_tables(conn):
    """The tables that hold the shop's data: not Alembic's, not SQLite's full-text indexes
    (virtual tables and the tables behind them, which triggers fill)."""
    names = set(inspect(conn).get_table_names()) - {"alembic_version"}
    if conn.dialect.name == "sqlite":
        virtual = [row[0] for row in conn.execute(text(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"))]
        names = {n for n in names if not any(n == v or n.startswith(v + "_") for v in virtual)}
    return names


def _checks(conn, table):
    """(column -> a value its IN (...) check allows, columns a check may want NULL)."""
    allowed, nulls = {}, set()
    for check in inspect(conn).get_check_constraints(table):
        sql = check["sqltext"]
        for column, value in IN_LIST.findall(sql) + ANY_ARRAY.findall(sql):
            allowed.setdefault(column, value)
        nulls.update(IS_NULL.findall(sql))
    return allowed, nulls


def _value(table, column):
    kind = column.type
    if isinstance(kind, types.Boolean):
        return True
    if isinstance(kind, types.Integer):
        return 7
    if isinstance(kind, (types.Float, types.Numeric)):
        return Decimal("7.5") if getattr(kind, "asdecimal", False) else 7.5
    if isinstance(kind, types.DateTime):
        return WHEN.replace(tzinfo=timezone.utc) if getattr(kind, "timezone", False) else WHEN
    if isinstance(kind, types.Date):
        return date(2026, 1, 2)
    if isinstance(kind, types.JSON):
        return {"kept": f"{table.name}.{column.name}"}
    if isinstance(kind, types.LargeBinary):
        return b"\x00kept"
    if isinstance(kind, types.String):
        value = f"{table.name}.{column.name}"
        return value[:kind.length] if kind.length else value
    raise AssertionError(f"no test value for {table.name}.{column.name} ({kind!r})")


def fill_every_table(conn):
    """Insert one row per table, parents first; returns {table: {column: value}} as stored."""
    metadata = MetaData()
    metadata.reflect(bind=conn, only=sorted(shop_tables(conn)))
    stored = {}
    for table in metadata.sorted_tables:
        allowed, nulls = _checks(conn, table.name)
        row = {}
        for column in table.columns:
            foreign = next(iter(column.foreign_keys), None)
            if column.primary_key and column.autoincrement in (True, "auto") \
                    and isinstance(column.type, types.Integer) and foreign is None:
                continue  # the database numbers it
            if foreign is not None:
                parent = stored.get(foreign.column.table.name)
                if parent is None:
                    assert column.nullable, f"{table.name}.{column.name} needs a parent row"
                    row[column.name] = None
                else:
                    row[column.name] = parent[foreign.column.name]
            elif column.name in allowed:
                row[column.name] = allowed[column.name]
            else:
                row[column.name] = _value(table, column)
        key = _insert(conn, table, row, [n for n in nulls if n in row and table.c[n].nullable])
        where = [c == v for c, v in zip(table.primary_key.columns, key)]
        stored[table.name] = dict(conn.execute(select(table).where(*where)).mappings().one())
    return stored


def _insert(conn, table, row, nullable):
    """Insert the row, or, if a check refuses it, the row with the columns its checks speak of
    left empty: one at a time, then all (`(a IS NULL) <> (b IS NULL)`, `a IS NULL OR ...`)."""
    tries = [()] + [(name,) for name in nullable] + [tuple(nullable)]
    for number, empty in enumerate(tries):
        try:
            with conn.begin_nested():
                values = {**row, **{name: None for name in empty}}
                key = conn.execute(table.insert().values(values)).inserted_primary_key
            row.update(values)
            return key
        except IntegrityError:
            if number == len(tries) - 1:
                raise
    return None


def lost(conn, stored, primary_keys):
    """What of `stored` the database no longer holds, in words (empty: nothing lost)."""
    metadata = MetaData()
    metadata.reflect(bind=conn, only=sorted(shop_tables(conn)))
    problems = []
    for name, row in stored.items():
        table = metadata.tables.get(name)
        if table is None:
            problems.append(f"table {name} is gone")
            continue
        gone = [column for column in row if column not in table.columns]
        problems += [f"column {name}.{column} is gone" for column in gone]
        where = [table.columns[c] == row[c] for c in primary_keys[name]]
        found = conn.execute(select(table).where(*where)).mappings().one_or_none()
        if found is None:
            problems.append(f"the row of {name} is gone")
            continue
        problems += [f"{name}.{column} was {row[column]!r}, is {found[column]!r}"
                     for column in row if column not in gone and found[column] != row[column]]
    return problems


def primary_keys(conn, names):
    return {name: inspect(conn).get_pk_constraint(name)["constrained_columns"] for name in names}
