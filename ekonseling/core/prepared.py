"""Querysets built and compiled once, then run with other values: for the lookups of a socket's connect.

Building a queryset and compiling it to SQL costs the ORM several times what PostgreSQL spends on a
one-row lookup (measured on the counseling socket: 0.25 ms to compile the user's lookup, 1.6 ms to
build and compile a conversation's with its receipt marks, against 0.1 ms to run either), and after
a deploy every open page reconnects at once. `Prepared` builds the queryset once per database with
stand-in values, finds where they went among the SQL's parameters, and then runs that same SQL with
the real values in their places, turning the rows into model instances as Django's own iterator
does (select_related, annotations, deferred fields and the fields' converters included).

The queryset is built twice, with two different sets of stand-ins, and refused unless both give
the same SQL with the stand-ins in the same places, each used as it was given: a queryset whose
shape depends on a value (a branch on None, a list's length) or that transforms one (`contains`
wraps it in %...%) cannot be prepared and raises at its first use.

On PostgreSQL (psycopg 3) the statement is also prepared on the server, once per connection of the
pool (`_statement_cursor`): Django sends every query as text with its values in it, which
PostgreSQL parses and plans anew each time, and for these lookups that was most of its work
(measured, per run on an idle connection: the user with their devices 200 us of PostgreSQL CPU
prepared or not 60 us, the conversation with its marks 265 against 80 us, the session 70 against
35 us; on the Python side 20-40 us less each, as the values no longer have to be quoted into the
text). Every other query of the process still goes Django's way.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Model, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.query import get_related_populators

_KINDS: dict[type, Callable[[int, int], Any]] = {
    # Stand-ins no real value takes, two sets apart (`trial`), one per argument (`index`).
    int: lambda trial, index: -(10**15) - 1000 * index - trial,
    str: lambda trial, index: f"\x1fprepared-{trial}-{index}\x1f",
    # A list of ints, for a queryset that passes it whole as one parameter (`= ANY(%s::bigint[])`
    # in a RawSQL filter): `pk__in` spreads a list over one parameter per item and cannot be prepared.
    list: lambda trial, index: [-(10**15) - 1000 * index - trial],
}


def by_array(queryset: QuerySet, column: str, array_type: str = "bigint", using: str = DEFAULT_DB_ALIAS) -> Prepared:
    """`queryset` filtered on `column` = ANY(one array parameter), prepared (PostgreSQL): the rows of a
    batch's keys in one statement whose SQL does not depend on how many there are (`pk__in` would)."""
    ops = connections[using].ops
    condition = f"{ops.quote_name(queryset.model._meta.db_table)}.{ops.quote_name(column)} = ANY(%s::{array_type}[])"
    return Prepared(
        lambda values: queryset.filter(RawSQL(condition, [values], output_field=BooleanField())),  # noqa: S611 - quoted names only
        list,
        using=using,
    )


class Prepared:
    """`build(*values)` returns the queryset; `kinds` are the values' types (int or str).

    `Prepared(lambda pk: User.objects.select_related("school").filter(pk=pk), int).get(5)`
    """

    def __init__(self, build: Callable[..., QuerySet], *kinds: type, using: str = DEFAULT_DB_ALIAS) -> None:
        unknown = [kind for kind in kinds if kind not in _KINDS]
        if unknown:
            raise TypeError(f"Prepared takes int, str and list values, not {unknown}.")
        self._build = build
        self._kinds = kinds
        self._using = using
        self._compiled: _Compiled | None = None
        self._lock = threading.Lock()

    def all(self, *values: Any) -> list[Model]:
        """The rows for `values`, as the queryset built with them would give them."""
        if len(values) != len(self._kinds):
            raise TypeError(f"Prepared takes {len(self._kinds)} values, got {len(values)}.")
        for value, kind in zip(values, self._kinds, strict=True):
            if type(value) is not kind:
                raise TypeError(f"Prepared expects {kind.__name__}, got {type(value).__name__}.")
        return self._compile().run(connections[self._using], values)

    def get(self, *values: Any) -> Model | None:
        """The one row for `values`, or None."""
        rows = self.all(*values)
        if len(rows) > 1:
            raise ValueError("A Prepared.get() lookup found more than one row.")
        return rows[0] if rows else None

    def _compile(self) -> _Compiled:
        compiled = self._compiled
        if compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = _Compiled.of(self._build, self._kinds, self._using)
                compiled = self._compiled
        return compiled


class _Compiled:
    """The SQL, where each value goes among its parameters, and the compiler that read its columns."""

    def __init__(self, sql: str, params: list[Any], slots: list[tuple[int, int]], compiler: Any) -> None:
        self.sql = sql
        self.params = params
        self.slots = slots  # (position among the parameters, index of the value)
        self.compiler = compiler
        self._plans = threading.local()

    @classmethod
    def of(cls, build: Callable[..., QuerySet], kinds: tuple[type, ...], using: str) -> _Compiled:
        shapes = []
        for trial in (1, 2):
            stand_ins = [_KINDS[kind](trial, index) for index, kind in enumerate(kinds)]
            queryset = build(*stand_ins).using(using)
            if queryset._result_cache is not None or queryset._prefetch_related_lookups:
                raise ValueError("Prepared takes a plain queryset (no prefetch_related).")
            if queryset._iterable_class.__name__ != "ModelIterable" or queryset.query.combinator:
                raise ValueError("Prepared takes a queryset of model instances (no values(), union()).")
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            params = list(params)
            slots = []
            for position, param in enumerate(params):
                for index, stand_in in enumerate(stand_ins):
                    if type(param) is type(stand_in) and param == stand_in:
                        slots.append((position, index))
            used = {index for _position, index in slots}
            if used != set(range(len(kinds))):
                raise ValueError("Prepared: a value is not among the SQL's parameters as given.")
            shapes.append((sql, slots, params, compiler))
        (sql, slots, params, compiler), (sql_2, slots_2, _params, _compiler) = shapes
        if sql != sql_2 or slots != slots_2:
            raise ValueError("Prepared: the queryset's SQL depends on its values.")
        if compiler.has_extra_select:
            raise ValueError("Prepared takes a queryset without extra select columns.")
        return cls(sql, params, slots, compiler)

    def run(self, connection: Any, values: tuple[Any, ...]) -> list[Model]:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = values[index]
        with _statement_cursor(connection) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if not rows:
            return []
        return self._plan(connection).objects(rows)

    def _plan(self, connection: Any) -> _RowPlan:
        """How this thread's connection turns rows into instances: worked out on its first row,
        then kept (working it out again for every call was a third of a one-row lookup's CPU)."""
        plan = getattr(self._plans, "plan", None)
        if plan is None or plan.connection is not connection:
            plan = self._plans.plan = _RowPlan(self.compiler, connection)
        return plan


def _statement_cursor(connection: Any) -> Any:
    """A cursor of `connection` that prepares its statements on the server (PostgreSQL with
    psycopg 3), else its ordinary cursor. It is wrapped as Django wraps its own (execute wrappers,
    query logging, database errors), so counting and logging see its queries alike.

    Django turns psycopg's prepared statements off (`prepare_threshold` None) and uses client-side
    binding cursors, which never prepare; so the connection's threshold is raised to "never by
    itself" and this cursor asks for each statement to be prepared: psycopg then prepares it on
    the connection's first run and reuses it after (it keeps up to 100 per connection, and they
    end with the connection). PostgreSQL re-plans a prepared statement itself when a table it
    reads changes. Only a connection that outlives the call (a pool's, or kept by CONN_MAX_AGE)
    prepares: on one opened for the call and closed after, preparing would be one more round trip
    for nothing."""
    postgresql = _postgresql() if connection.vendor == "postgresql" and _kept(connection) else None
    if postgresql is None:
        return connection.cursor()
    base, preparing_cursor = postgresql
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        cursor = preparing_cursor(raw)
        # As DatabaseWrapper.create_cursor: timestamps in the connection's time zone.
        tzloader = raw.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if connection.timezone != tzloader.timezone:
            base.register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


def _kept(connection: Any) -> bool:
    settings = connection.settings_dict
    return bool(settings.get("OPTIONS", {}).get("pool")) or settings.get("CONN_MAX_AGE") != 0


_ONLY_WHEN_ASKED = 2**62  # runs of a statement before psycopg prepares it unasked: never


@functools.cache
def _postgresql() -> tuple[Any, type] | None:
    """(Django's PostgreSQL backend module, the preparing cursor class), or None under psycopg2."""
    from django.db.backends.postgresql import base

    if not base.is_psycopg3:
        return None

    class PreparingCursor(base.ServerBindingCursor):
        """Django's server-side binding cursor, each statement prepared (`_statement_cursor`)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):  # noqa: ARG002 - always prepared
            super().execute(query, params, prepare=True, binary=binary)
            self._query = _LoggedQuery(self.connection, query, params)
            return self

    return base, PreparingCursor


class _LoggedQuery:
    """What Django's query log reads of a psycopg cursor (`cursor._query.query`, the text a
    client-side binding cursor sent): a prepared run sends no such text, so it is written only
    when asked for (DEBUG, a test's query count), with the values in it as Django's log has them."""

    __slots__ = ("connection", "sql", "params")

    def __init__(self, connection: Any, sql: str, params: Any) -> None:
        self.connection, self.sql, self.params = connection, sql, params

    @property
    def query(self) -> bytes:
        from psycopg import ClientCursor

        return ClientCursor(self.connection).mogrify(self.sql, self.params).encode()


class _RowPlan:
    """As django.db.models.query.ModelIterable, on a copy of the compiler that read the columns,
    with one thread's connection (the converters are the connection's): the converters, the
    columns of the model and of each select_related model (Django's RelatedPopulator, which holds
    no state between rows) and the annotations, found once."""

    def __init__(self, compiler: Any, connection: Any) -> None:
        compiler = copy.copy(compiler)
        compiler.connection = connection
        self.connection = connection
        self.compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        fields = [column[0] for column in select[0 : compiler.col_count]]
        self.composite = compiler.has_composite_fields(fields)
        self.converters = list(compiler.get_converters(fields).items())
        self.db = connection.alias
        self.model_cls = klass_info["model"]
        select_fields = klass_info["select_fields"]
        self.start, self.end = select_fields[0], select_fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.related_populators = get_related_populators(klass_info, select, self.db)
        self.annotations = list(compiler.annotation_col_map.items())

    def objects(self, rows: list[tuple]) -> list[Model]:
        if self.composite:
            rows = list(self.compiler.results_iter([rows]))
        elif self.converters:
            rows = [self._converted(row) for row in rows]
        db, model_cls, init_list, start, end = self.db, self.model_cls, self.init_list, self.start, self.end
        objects = []
        for row in rows:
            obj = model_cls.from_db(db, init_list, row[start:end])
            for populator in self.related_populators:
                populator.populate(row, obj)
            for name, column in self.annotations:
                setattr(obj, name, row[column])
            objects.append(obj)
        return objects

    def _converted(self, row: tuple) -> list:
        """As SQLCompiler.apply_converters, for one row."""
        connection = self.connection
        row = list(row)
        for position, (converters, expression) in self.converters:
            value = row[position]
            for converter in converters:
                value = converter(value, expression, connection)
            row[position] = value
        return row
