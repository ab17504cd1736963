"""htmx (51 KB) loads only on the pages that use it (issue 15): never on a student's page."""

import re

from django.test import Client

HTMX = re.compile(r"<script[^>]+htmx[^>]*\.js")


def test_student_pages_load_no_htmx(login, world):
    client = login(world.siswa)
    for url in ("/beranda/", "/konseling/", "/akun/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not HTMX.search(response.content.decode()), url
    assert not HTMX.search(Client().get("/masuk/").content.decode())


def test_the_pages_that_use_it_load_it(login, world):
    client = login(world.koordinator)
    for url in ("/siswa/", "/konseling/inbox/"):
        body = client.get(url).content.decode()
        assert "hx-get" in body and HTMX.search(body), url
