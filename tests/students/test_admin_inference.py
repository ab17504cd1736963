"""Issue 11, goal "Inference": the operator's student change list in the admin cannot be filtered by
the fields they may not read (`?special_needs=` would list exactly the students without them)."""

import pytest
from django.test import Client


def change_list(world, query):
    client = Client()
    client.force_login(world.operator)
    response = client.get("/admin/students/student/" + query)
    return response.status_code, world.classmate.name in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["?special_needs=", "?special_needs__exact=", "?health_notes=", "?needs_attention=1", "?special_needs__isnull=0"],
)
def test_the_operator_cannot_filter_students_by_a_field_they_may_not_read(world, query):
    seen = []
    for stored in ("", "Tunanetra"):
        world.classmate.special_needs = world.classmate.health_notes = stored
        world.classmate.needs_attention = bool(stored)
        world.classmate.save()
        seen.append(change_list(world, query))
    assert seen[0] == seen[1]
    assert seen[0][0] == 400
    assert change_list(world, "") == (200, True)
