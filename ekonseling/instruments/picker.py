"""Choosing individual students for an administration on a school of any size (issue 15).

The old form listed every student the user may see as a checkbox: 1,195 on a large school, 174 KB
for a coordinator's phone. The picker shows the students already chosen and one page of matches
to a search (a name, or the start of a NISN) within a rombel; the rest stays on the server. Who
may be chosen is still the policy's `student.view` queryset, which the form validates against.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from ekonseling.core import text
from ekonseling.core.forms import plausible_id
from ekonseling.students.models import Rombel

PAGE_SIZE = 20
MAX_QUERY = 100
MAX_CHOSEN = 2000


@dataclass
class Picker:
    chosen: list  # the chosen students, checked, kept across searches
    page: Page  # one page of the other matches
    query: str
    rombel_id: int | None
    rombels: QuerySet  # the filter's choices: the rombel of the students the user may choose
    available: bool  # whether the user may choose any student at all


def chosen_ids(values) -> list[int]:
    """The chosen ids a request carries, without what cannot be an id (the form refuses those)."""
    return list(dict.fromkeys(int(v) for v in list(values)[:MAX_CHOSEN] if plausible_id(v)))


def student_picker(students: QuerySet, params, chosen: list[int]) -> Picker:
    """The picker over `students` (already the policy's) for these search parameters (a GET or POST
    QueryDict: `q`, `in_rombel`, `page`)."""
    query = text.clean(str(params.get("q", ""))).strip()[:MAX_QUERY]  # NUL cannot reach PostgreSQL
    rombel = params.get("in_rombel", "")
    rombel_id = int(rombel) if plausible_id(rombel) else None
    matches = students.exclude(pk__in=chosen)
    if query:
        matches = matches.filter(Q(name__icontains=query) | Q(nisn__startswith=query))
    if rombel_id is not None:
        matches = matches.filter(rombel_id=rombel_id)
    page = Paginator(matches.order_by("rombel__name", "name", "pk"), PAGE_SIZE).get_page(
        params.get("page") or params.get("find")
    )
    chosen_students = list(students.filter(pk__in=chosen)) if chosen else []
    filtered = bool(query) or rombel_id is not None
    return Picker(
        chosen=chosen_students,
        page=page,
        query=query,
        rombel_id=rombel_id,
        rombels=Rombel.objects.filter(pk__in=students.values("rombel")).order_by("grade", "name"),
        available=bool(chosen_students or page.paginator.count or (filtered and students.exists())),
    )
