"""Issue 11, goal "Inference": a page or export that hides a field from a role shows that role the
same thing whether or not the hidden value is on record (health notes, special needs, the attention
flag), so nothing can be learnt by difference."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from ekonseling.students import records

HIDDEN = {"health_notes": "Epilepsi.", "special_needs": "Tunarungu (B)", "needs_attention": True}
EMPTY = {"health_notes": "", "special_needs": "", "needs_attention": False}


def with_hidden(world, values):
    for student in (world.classmate, world.other_student):
        for field, value in values.items():
            setattr(student, field, value)
        student.save()


def cells(content):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets]


@pytest.mark.parametrize("role", ["operator", "walikelas"])
def test_the_rombel_spreadsheet_does_not_depend_on_hidden_fields(world, role):
    viewer = getattr(world, role)
    with_hidden(world, EMPTY)
    without = cells(records.rombel_xlsx(world.rombel_a, viewer))
    with_hidden(world, HIDDEN)
    assert cells(records.rombel_xlsx(world.rombel_a, viewer)) == without


@pytest.mark.parametrize("role", ["operator", "walikelas", "kepsek"])
@pytest.mark.parametrize("query", ["", "?flag=special_needs", "?flag=attention", "?flag=special_needs&page=2"])
def test_the_student_list_does_not_depend_on_hidden_fields(world, role, query):
    """A flag the viewer may not use is ignored: the list, its count and its pages stay the same."""
    client = Client()
    client.force_login(getattr(world, role))
    url = reverse("students:list") + query
    with_hidden(world, EMPTY)
    without = client.get(url)
    with_hidden(world, HIDDEN)
    with_values = client.get(url)
    assert with_values.status_code == without.status_code
    if without.status_code == 200:
        assert _without_tokens(with_values.content.decode()) == _without_tokens(without.content.decode())


def _without_tokens(text):
    return re.sub(r"[A-Za-z0-9]{32,}", "<token>", text)  # CSRF tokens are masked afresh on every page


@pytest.mark.parametrize("role", ["operator", "kepsek", "koordinator"])
def test_the_school_summary_does_not_depend_on_hidden_fields(world, role):
    """The principal's summary gives counts by sex and rombel only: none of a hidden field."""
    client = Client()
    client.force_login(getattr(world, role))
    with_hidden(world, EMPTY)
    without = client.get(reverse("students:summary"))
    with_hidden(world, HIDDEN)
    with_values = client.get(reverse("students:summary"))
    assert without.status_code == with_values.status_code == 200
    assert _without_tokens(with_values.content.decode()) == _without_tokens(without.content.decode())
