"""Headers (issue 11 item 10): a strict Content-Security-Policy (no inline script or style) and a
Permissions-Policy on every page; the templates hold nothing the policy would block."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/masuk/", "/healthz"])
def test_every_answer_carries_a_strict_policy(client, db, path):
    response = client.get(path)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "ws://testserver" in policy["connect-src"]
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_a_signed_in_page_carries_it_too(client, world):
    client.force_login(world.siswa)
    response = client.get("/")
    assert "script-src 'self';" in response["Content-Security-Policy"]


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_holds_inline_script_handlers_or_style(template):
    text = template.read_text()
    inline_scripts = [m for m in re.finditer(r"<script\b([^>]*)>", text) if "src=" not in m.group(1)]
    assert not inline_scripts, "inline <script>: move it to static/js"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler: bind it in static/js"
    assert not re.search(r"<style\b", text), "inline <style>: move it to static/css"
    assert not re.search(r"\sstyle\s*=", text), "style attribute: use a class in static/css"
    assert "javascript:" not in text.lower()
