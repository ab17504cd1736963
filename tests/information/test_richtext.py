"""Article bodies: a small Markdown subset rendered and sanitised (nh3). An XSS corpus never reaches
the student's page, the reads page or present mode; the allowed formatting survives; plain text
reads as before."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.information import richtext, services

HOUR = timezone.timedelta(hours=1)

CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](&#106;&#97;vascript:alert(1))",
    "[klik](&#x6A;avascript&colon;alert(1))",
    "[klik](java\tscript:alert(1))",
    "[klik](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "[klik](vbscript:msgbox(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="javascript:alert(1)"></object><embed src=x>',
    '<form action="https://evil.example"><input name=p></form>',
    "<!--<script>alert(1)</script>-->",
    '<a href="https://ok.example" onclick="alert(1)" target="_self">x</a>',
    "[[x](javascript:alert(1))](https://ok.example)",
    '[x](https://ok.example "a" onmouseover="alert(1)")',
    "[x]: javascript:alert(1)\n\n[x]",
    "**<img src=x onerror=alert(1)>**",
    "> <script>alert(1)</script>\n> - [a](javascript:alert(1))",
    "`<script>alert(1)</script>`",
    "```\n</code></pre><script>alert(1)</script>\n```",
    'https://ok.example/"onmouseover="alert(1)',
    "https://ok.example/<script>alert(1)</script>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
]


class Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_safe(html: str) -> None:
    """Only the allowed tags and attributes; every link http/https/mailto with the safe rel."""
    parser = Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in richtext.TAGS, (tag, html)
        assert set(attrs) <= richtext.ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set()), (tag, attrs)
        if tag == "a":
            assert attrs["rel"] == "noopener noreferrer nofollow"
            if "href" in attrs:
                assert urlsplit(attrs["href"].strip()).scheme.lower() in richtext.URL_SCHEMES, attrs["href"]
    lowered = html.lower()
    assert "<script" not in lowered and "<svg" not in lowered and "<iframe" not in lowered and "<style" not in lowered


@pytest.mark.parametrize("body", CORPUS)
def test_the_xss_corpus_is_rendered_harmless(body):
    assert_safe(richtext.render(body))


def _between(page: str, start: str, end: str = "</div>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_the_corpus_never_reaches_the_pages(client, world):
    body = "\n\n".join(CORPUS)
    article = services.publish(world.gurubk, services.ArticleData("XSS", body, "school", timezone.now() - HOUR))
    client.force_login(world.siswa)
    page = client.get(reverse("information:read", args=[article.pk])).content.decode()
    assert_safe(_between(page, 'data-testid="article-body">'))
    client.force_login(world.gurubk)
    reads = client.get(reverse("information:reads", args=[article.pk])).content.decode()
    assert_safe(_between(reads, '<div class="article-body">'))
    present = client.get(reverse("information:present", args=[article.pk])).content.decode()
    slides = present.split('<div class="article-body">')[1:]
    assert len(slides) == len(richtext.blocks(body))
    for slide in slides:
        assert_safe(slide.split("</div>", 1)[0])


FORMATTED = """# Kenali emosimu

Ini **penting** dan *menarik*.

- satu
- dua

1. pertama
2. kedua

> Kutipan bijak

Baca [panduan](https://example.org/panduan) atau tulis ke [BK](mailto:bk@example.sch.id)."""


def test_the_allowed_formatting_survives_and_present_mode_shows_the_same_html(client, world):
    html = str(richtext.render(FORMATTED))
    assert "<h2>Kenali emosimu</h2>" in html  # under the page's h1
    assert "<strong>penting</strong>" in html and "<em>menarik</em>" in html
    assert "<ul>\n<li>satu</li>" in html and "<ol>\n<li>pertama</li>" in html
    assert "<blockquote>\n<p>Kutipan bijak</p>\n</blockquote>" in html
    assert '<a href="https://example.org/panduan" rel="noopener noreferrer nofollow">panduan</a>' in html
    assert '<a href="mailto:bk@example.sch.id" rel="noopener noreferrer nofollow">BK</a>' in html
    article = services.publish(world.gurubk, services.ArticleData("Emosi", FORMATTED, "school", timezone.now() - HOUR))
    client.force_login(world.siswa)
    page = client.get(reverse("information:read", args=[article.pk])).content.decode()
    assert html in page
    client.force_login(world.gurubk)
    present = client.get(reverse("information:present", args=[article.pk])).content.decode()
    for block in richtext.blocks(FORMATTED):
        assert str(richtext.render(block)) in present
    assert "<strong>penting</strong>" in present and "<h2>Kenali emosimu</h2>" in present


def test_plain_text_reads_as_before():
    html = str(richtext.render("Halo semua,\nbaris kedua.\n\nParagraf dua: https://example.org/a?b=1."))
    assert html == (
        "<p>Halo semua,<br>\nbaris kedua.</p>\n"
        '<p>Paragraf dua: <a href="https://example.org/a?b=1" rel="noopener noreferrer nofollow">'
        "https://example.org/a?b=1</a>.</p>\n"
    )
    assert str(richtext.render('Tanda < dan > & "kutip"')) == '<p>Tanda &lt; dan &gt; &amp; "kutip"</p>\n'
