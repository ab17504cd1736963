"""Server time of the foundation's pages on the demo school (in-process Django client, no network)."""

from django.test import Client

from ekonseling.accounts.models import User

from .stats import report, timed


def ok(client, path):
    """GET that must succeed: a benchmark of an error page measures nothing."""

    def get():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    return get


def run():
    client = Client()
    report("healthz", timed(ok(client, "/healthz"), 50), "GET /healthz: database + channel layer round trip")
    for username in ["koordinator", "gurubk", "kepsek", "siswa"]:
        client.force_login(User.objects.get(username=username))
        report(f"home[{username}]", timed(ok(client, "/beranda/"), 50), f"GET /beranda/ as {username}")
    client.force_login(User.objects.get(username="koordinator"))
    report("student list", timed(ok(client, "/siswa/"), 50), "GET /siswa/ as koordinator, first page of 50")
    report(
        "student list filtered",
        timed(ok(client, "/siswa/?q=a&sex=P"), 50),
        "GET /siswa/?q=a&sex=P as koordinator",
    )
