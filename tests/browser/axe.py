"""axe-core in the browser tests: the rules engine comes from the pinned PyPI package
`axe-playwright-python` (requirements.txt), which bundles axe-core's `axe.min.js` (MPL-2.0, Deque
Systems); nothing is fetched from a CDN. We inject that file and call `axe.run` ourselves."""

from functools import cache

SERIOUS = ("serious", "critical")


@cache
def _script():
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def violations(page, impacts=SERIOUS):
    """The axe-core violations of the page as it is now, of the given impacts: a list of
    (rule id, impact, [target selectors of its nodes])."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_script())
    result = page.evaluate(
        """async () => {
            // label-content-name-mismatch is one of axe's experimental rules, off unless asked for.
            const r = await axe.run(document, {
                resultTypes: ['violations'],
                rules: {'label-content-name-mismatch': {enabled: true}},
            });
            return r.violations.map(v => [v.id, v.impact, v.nodes.map(n => n.target.join(' '))]);
        }"""
    )
    return [(rule, impact, targets) for rule, impact, targets in result if impact in impacts]
