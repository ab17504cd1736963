"""What a user does and sees, in a few words each; shared by the browser tests."""

from urllib.parse import urlsplit

from ekonseling.accounts.models import Role

# The page a role lands on after signing in, by the `data-page` attribute of <body>.
HOME_PAGE = {
    Role.OPERATOR: "home-operator",
    Role.KOORDINATOR_BK: "home-counselor",
    Role.GURU_BK: "home-counselor",
    Role.WALI_KELAS: "home-wali-kelas",
    Role.KEPALA_SEKOLAH: "home-kepala-sekolah",
    Role.SISWA: "home-siswa",
}

LOGIN_URL = "/masuk/"
HOME_URL = "/beranda/"
ACCOUNT_URL = "/akun/"


def path_of(page):
    return urlsplit(page.url).path


def data_page(page):
    return page.locator("body").get_attribute("data-page")


def fill_login_form(page, username, password):
    page.fill("#id_username", username)
    page.fill("#id_password", password)


def submit_login(page, username, password):
    """Submit the sign-in form once; return the response to the POST (its status, for lockouts)."""
    if path_of(page) != LOGIN_URL:
        page.goto(LOGIN_URL)
    fill_login_form(page, username, password)
    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == LOGIN_URL) as info:
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    return info.value


def sign_in(page, username, password):
    """Sign in through the real form and insist that it worked."""
    response = submit_login(page, username, password)
    assert response.status == 302, f"signing in as {username} answered {response.status} at {page.url}"
    page.wait_for_url(lambda url: urlsplit(url).path != LOGIN_URL)
    return page


def open_menu(page):
    page.locator("header details.menu > summary").click()
    page.locator("header details.menu nav").wait_for(state="visible")


def menu_links(page):
    """The hrefs of the header menu's links, in order (they exist in the DOM while it is closed)."""
    return page.locator("header details.menu nav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def horizontal_overflow(page):
    """(scrollWidth, innerWidth) of the document: a page scrolls sideways when the first is larger."""
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def assert_fits(page, what=None, width=None):
    """The page does not scroll sideways (and, given `width`, the window is that wide)."""
    scroll_width, inner_width = horizontal_overflow(page)
    what = what or page.url
    if width is not None:
        assert inner_width == width, f"{what}: the window is {inner_width}px wide, not {width}px"
    assert scroll_width <= inner_width, (
        f"{what} ({page.url}) scrolls sideways: {scroll_width}px of content in a {inner_width}px window; "
        f"widest elements: {widest_elements(page)}"
    )


def widest_elements(page, limit=5):
    """The elements that stick out furthest on the right, to say *what* overflows when a page does."""
    return page.evaluate(
        """limit => {
            const width = window.innerWidth;
            const out = [];
            for (const el of document.querySelectorAll('body *')) {
                const right = el.getBoundingClientRect().right;
                if (right > width + 0.5) {
                    const cls = typeof el.className === 'string' && el.className.trim()
                        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                    out.push([Math.round(right), el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls]);
                }
            }
            out.sort((a, b) => b[0] - a[0]);
            return out.slice(0, limit);
        }""",
        limit,
    )
