"""The Django admin, which the school's operator uses (admin.access), on a 360 px phone: nothing
hidden sideways and no serious or critical axe-core violation (issue 15), like the app's own pages
in test_reach.py. One page per URL pattern: the index, each model's list, its add form and the
change form of its first row."""

import re
from urllib.parse import urlsplit

import pytest

from ekonseling.core import demo

from .conftest import MOBILE
from .helpers import path_of, sign_in
from .test_reach import check, pattern

# The walk runs once, in the PostgreSQL half of make test when there is one, so that the two halves end together
# (tests/conftest.py).
pytestmark = pytest.mark.once(half="postgres")

ADMIN = "/admin/"
PAGES = 40
NOT_PAGES = re.compile(r"/(logout|password|history|delete|r)/|/jsi18n/|\.(csv|xlsx|pdf|json)$")


@pytest.fixture
def viewport():
    return MOBILE


def admin_links(page):
    hrefs = page.locator("#content a[href]").evaluate_all("links => links.map(a => a.href)")
    out = []
    for href in hrefs:
        parts = urlsplit(href)
        elsewhere = parts.netloc != urlsplit(page.url).netloc or not parts.path.startswith(ADMIN)
        if elsewhere or NOT_PAGES.search(parts.path):
            continue
        out.append(parts.path)
    return out


def test_the_operators_admin_fits_360px_and_has_no_serious_axe_violation(page, demo_school):
    sign_in(page, "operator", demo.DEMO_PASSWORD)
    queue, seen, visited, problems = [ADMIN], set(), [], []
    while queue and len(visited) < PAGES:
        url = queue.pop(0)
        key = pattern(url)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(url)
        if response is None or not response.ok or "text/html" not in response.headers.get("content-type", ""):
            continue
        visited.append(path_of(page))
        check(page, url, problems)
        queue.extend(link for link in admin_links(page) if pattern(link) not in seen)
    print(f"admin: {len(visited)} pages checked: {' '.join(visited)}")
    assert len(visited) >= 10, visited
    assert not problems, "\n".join(problems)
