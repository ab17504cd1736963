"""Articles for chosen students: only the students named read them — list, detail, files, home
card, badge, read tracking — a classmate of the same rombel gets a 404; a guru BK may choose only
students they serve; the UU PDP export and erasure cover who an article was addressed to."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.core import personal_data, registry
from ekonseling.core.errors import ActionError
from ekonseling.information import services
from ekonseling.information.models import Article, ArticleRead, ArticleRecipient
from tests import factories
from tests.information.test_media import _upload, jpeg_with_gps

HOUR = timezone.timedelta(hours=1)


def _for_students(world, students, by=None, title="Untukmu"):
    data = services.ArticleData(title, "Isi", "students", timezone.now() - HOUR, students=list(students))
    return services.publish(by or world.gurubk, data)


@pytest.fixture
def classmate_login(world):
    world.classmate.user = factories.user(world.school, Role.SISWA)
    world.classmate.save()
    return world.classmate.user


def test_only_the_chosen_student_reads_it_over_every_url(client, world, classmate_login):
    article = _for_students(world, [world.student])
    image = services.add_media(world.gurubk, article, _upload(jpeg_with_gps(), "foto.jpg"))
    menu = {entry.url_name: entry for entry in registry.menu_for(world.siswa)}
    assert menu["information:my"].badge(world.siswa) == 1
    assert menu["information:my"].badge(classmate_login) == 0

    client.force_login(classmate_login)  # same rombel, not chosen
    assert "Untukmu" not in client.get(reverse("information:my")).content.decode()
    assert "Untukmu" not in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("information:read", args=[article.pk])).status_code == 404
    assert client.get(reverse("information:media", args=[image.pk])).status_code == 404
    services.mark_read(classmate_login, article)
    assert not ArticleRead.objects.exists()

    client.force_login(world.siswa)
    assert "Untukmu" in client.get(reverse("information:my")).content.decode()
    assert "Untukmu" in client.get(reverse("core:home")).content.decode()
    assert client.get(reverse("information:read", args=[article.pk])).status_code == 200
    assert client.get(reverse("information:media", args=[image.pk])).status_code == 200
    assert ArticleRead.objects.get().student == world.student
    assert menu["information:my"].badge(world.siswa) == 0
    # Read tracking counts the chosen students only, in their rombel.
    assert services.reads_per_rombel(article) == [{"rombel": "X-A", "students": 1, "read": 1}]


def test_a_guru_bk_chooses_only_students_they_serve(client, world):
    with pytest.raises(ActionError) as caught:
        _for_students(world, [world.other_student])  # rombel_b: gurubk_other's
    assert caught.value.code == "information.invalid"
    with pytest.raises(ActionError):
        _for_students(world, [])
    assert _for_students(world, [world.other_student], by=world.koordinator).students.count() == 1
    client.force_login(world.gurubk)
    form = client.get(reverse("information:new")).content.decode()
    assert world.student.name in form and world.other_student.name not in form
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    post = {"title": "Pilih", "body": "Halo", "audience": "students", "publish_at": now}
    refused = client.post(reverse("information:new"), {**post, "students": [world.other_student.pk]})
    assert refused.status_code == 200 and not Article.objects.filter(title="Pilih").exists()
    done = client.post(reverse("information:new"), {**post, "students": [world.student.pk, world.classmate.pk]})
    article = Article.objects.get(title="Pilih")
    assert done.status_code == 302 and set(article.students.all()) == {world.student, world.classmate}
    # Changing the audience drops the chosen students.
    services.change(world.gurubk, article, services.ArticleData("Pilih", "Halo", "school", article.publish_at))
    assert not ArticleRecipient.objects.filter(article=article).exists()


def test_the_export_and_erasure_cover_the_chosen_students(world):
    _for_students(world, [world.student])
    data = personal_data.export(world.student, world.siswa)
    assert [row["article"] for row in data["articles_addressed"]] == ["Untukmu"]
    assert personal_data.uncovered() == [] and personal_data.registry.erasure_gaps() == []
    assert data["complete"]
    world.student.delete()
    assert not ArticleRecipient.objects.exists() and Article.objects.count() == 1
