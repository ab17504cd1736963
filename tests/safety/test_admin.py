"""The operator sets the school's crisis contacts on the School admin page (the safety app's inline)."""

from django.urls import reverse

from ekonseling.safety import actions as safety


def _form(school, contacts, initial_forms):
    return {
        "name": school.name,
        "npsn": school.npsn,
        "level": school.level,
        "language": school.language,
        "safety_settings-TOTAL_FORMS": "1",
        "safety_settings-INITIAL_FORMS": str(initial_forms),
        "safety_settings-MIN_NUM_FORMS": "0",
        "safety_settings-MAX_NUM_FORMS": "1",
        "safety_settings-0-school": str(school.pk),
        "safety_settings-0-crisis_contacts": contacts,
    }


def test_the_operator_sets_and_changes_the_crisis_contacts_on_the_school_page(client, world):
    client.force_login(world.operator)
    url = reverse("admin:core_school_change", args=[world.school.pk])
    assert 'name="safety_settings-0-crisis_contacts"' in client.get(url).content.decode()

    response = client.post(url, _form(world.school, "Hotline sekolah: 0800-123", 0))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert safety.crisis_contacts(world.school) == ["Hotline sekolah: 0800-123"]

    client.post(url, _form(world.school, "Guru BK piket", 1))
    assert safety.crisis_contacts(world.school) == ["Guru BK piket"]


def test_another_schools_operator_cannot_reach_the_contacts(client, world, other_world):
    client.force_login(other_world.operator)
    url = reverse("admin:core_school_change", args=[world.school.pk])
    client.post(url, _form(world.school, "Palsu", 0))
    assert safety.crisis_contacts(world.school) == safety.DEFAULT_CRISIS_CONTACTS
