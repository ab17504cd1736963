"""The information service: targeting over every URL, plain-text rendering against XSS, expiry,
read tracking per rombel and the student's badge."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.core import registry
from ekonseling.core.errors import ActionError
from ekonseling.information import services
from ekonseling.information.models import Article, ArticleRead
from tests import factories

HOUR = datetime.timedelta(hours=1)


def _publish(world, title, audience="school", *, grade=None, rombels=(), published=None, expires=None, by=None):
    data = services.ArticleData(
        title, f"Isi {title}", audience, published or timezone.now() - HOUR, expires, grade, list(rombels)
    )
    return services.publish(by or world.gurubk, data)


@pytest.fixture
def articles(world):
    world.rombel_b.grade = 11
    world.rombel_b.save()
    return {
        "school": _publish(world, "Untuk sekolah"),
        "grade10": _publish(world, "Untuk kelas 10", "grade", grade=10),
        "grade11": _publish(world, "Untuk kelas 11", "grade", grade=11),
        "mine": _publish(world, "Untuk X-A", "rombel", rombels=[world.rombel_a]),
        "other": _publish(world, "Untuk X-B", "rombel", rombels=[world.rombel_b]),
        "later": _publish(world, "Nanti", published=timezone.now() + HOUR),
        "expired": _publish(world, "Kedaluwarsa", published=timezone.now() - 5 * HOUR, expires=timezone.now() - HOUR),
    }


def test_a_student_sees_only_what_is_addressed_to_them_over_every_url(client, world, articles):
    client.force_login(world.siswa)
    mine = {"school", "grade10", "mine"}
    page = client.get(reverse("information:my")).content.decode()
    for key, article in articles.items():
        assert (article.title in page) == (key in mine), key
        status = client.get(reverse("information:read", args=[article.pk])).status_code
        assert status == (200 if key in mine else 404), key
    home = client.get(reverse("core:home")).content.decode()
    assert "Untuk X-B" not in home and "Nanti" not in home and "Kedaluwarsa" not in home
    for name in ("information:list", "information:new"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("information:reads", args=[articles["mine"].pk])).status_code == 403


def test_the_body_cannot_run_script(client, world):
    body = '<script>alert(1)</script><img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>\nhttps://example.org/a?b=<c>'
    data = services.ArticleData("XSS", body, "school", timezone.now() - HOUR)
    article = services.publish(world.gurubk, data)
    client.force_login(world.siswa)
    page = client.get(reverse("information:read", args=[article.pk])).content.decode()
    body_html = page.split('data-testid="article-body">', 1)[1].split("</div>", 1)[0]
    assert "<script>" not in body_html and "<img" not in body_html and '<a href="javascript:' not in body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body_html
    assert '<a href="https://example.org/a?b=' in body_html  # a plain address becomes a link
    assert "<br>" in body_html  # the line break is kept


def test_reads_per_rombel_and_the_badge(client, world, articles):
    # rombel_a: student (siswa) and classmate; a third student of rombel_a without an account.
    factories.student(world.school, rombel=world.rombel_a)
    menu = {entry.url_name: entry for entry in registry.menu_for(world.siswa)}
    assert menu["information:my"].badge(world.siswa) == 3
    client.force_login(world.siswa)
    assert 'data-testid="information-card"' in client.get(reverse("core:home")).content.decode()
    client.get(reverse("information:read", args=[articles["mine"].pk]))
    client.get(reverse("information:read", args=[articles["mine"].pk]))  # twice: one read
    assert ArticleRead.objects.count() == 1
    assert menu["information:my"].badge(world.siswa) == 2
    assert services.reads_per_rombel(articles["mine"]) == [{"rombel": "X-A", "students": 3, "read": 1}]
    assert services.reads_per_rombel(articles["school"]) == [
        {"rombel": "X-A", "students": 3, "read": 0},
        {"rombel": "X-B", "students": 1, "read": 0},
    ]
    client.force_login(world.gurubk)
    page = client.get(reverse("information:reads", args=[articles["mine"].pk])).content.decode()
    assert "X-A" in page and world.student.name not in page  # counts only


def test_publishing_over_http_targets_and_checks(client, world):
    client.force_login(world.gurubk)
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("information:new"),
        {"title": "Kelas 10", "body": "Halo", "audience": "rombel", "rombels": [world.rombel_b.pk], "publish_at": now},
    )
    article = Article.objects.get()
    assert response.status_code == 302 and list(article.rombels.all()) == [world.rombel_b]
    refused = client.post(
        reverse("information:new"), {"title": "X", "body": "Y", "audience": "grade", "publish_at": now}
    )
    assert refused.status_code == 200 and Article.objects.count() == 1
    with pytest.raises(ActionError) as caught:
        services.change(world.gurubk_other, article, services.ArticleData("X", "Y", "school", timezone.now()))
    assert caught.value.code == "information.not_allowed"
    with pytest.raises(ActionError):
        _publish(world, "Salah", published=timezone.now(), expires=timezone.now() - HOUR)


def test_the_students_export_lists_what_they_read(world, articles):
    from ekonseling.core import personal_data

    services.mark_read(world.siswa, articles["mine"])
    data = personal_data.export(world.student, world.siswa)
    assert [row["article"] for row in data["articles_read"]] == ["Untuk X-A"]


def test_the_demo_has_articles_and_one_read(db):
    from ekonseling.core import demo

    demo.load()
    assert Article.objects.count() == 5
    read = ArticleRead.objects.get()
    assert read.student.user.username == "siswa" and read.article.audience == "school"
    # grade 10, X-1 (siswa is in X-1) and the one for chosen students; one expired
    assert services.unread_count(read.student.user) == 3
    chosen = Article.objects.get(audience="students")
    assert read.student in chosen.students.all() and chosen.students.count() == 2
    assert "<strong>jadwal belajar</strong>" in Article.objects.get(audience="grade").body_html()
