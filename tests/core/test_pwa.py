"""The PWA files: the manifest, the service worker (scope and headers) and the offline page."""

import json

from ekonseling.core import views_pwa


def test_the_manifest_names_the_app_and_its_icons(client, db):
    response = client.get("/manifest.webmanifest")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "E-Konseling" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200, icon


def test_the_service_worker_is_served_from_the_root_never_cached_and_precaches_static_files(client, db):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert '"/offline/"' in body
    for path in views_pwa.PRECACHE:
        assert f"/static/{path}" in body


def test_the_offline_page_is_the_same_for_everyone(login, world):
    client = login(world.siswa)
    response = client.get("/offline/")

    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-page="offline"' in body
    assert world.siswa.display_name not in body
    assert "csrfmiddlewaretoken" not in body


def test_a_user_who_owes_a_new_password_still_gets_the_pwa_files(login, world):
    world.siswa.must_change_password = True
    world.siswa.save(update_fields=["must_change_password"])
    client = login(world.siswa)

    for url in ("/sw.js", "/manifest.webmanifest", "/offline/"):
        assert client.get(url).status_code == 200, url
