"""The article body: a small Markdown subset rendered to HTML and then sanitised.

Counselors type Markdown (headings, bold/italic, lists, quotes, links, paragraphs); a plain-text
body renders as it always did (blank lines make paragraphs, a line break stays one, a bare web
address becomes a link). Two locks, so one slip is not a hole:
1. markdown-it renders with raw HTML off: any tag typed is text, links pass its URL check;
2. nh3 (the Rust `ammonia` sanitiser) keeps only the tags below, links only to http/https/mailto,
   adds rel="noopener noreferrer nofollow" and drops every other attribute (on*, style, target).
Images are uploaded as article files, so `![..](..)` is dropped too. Present mode renders its
slides through the same function.
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

TAGS = {"p", "br", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "hr"}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
REL = "noopener noreferrer nofollow"

_md = MarkdownIt("commonmark", {"html": False, "breaks": True, "typographer": False}).disable(["image"])

# A bare web address (not already a Markdown link's target or text) becomes an autolink `<url>`,
# as `urlize` did for the plain-text bodies. Trailing punctuation stays outside the link.
_BARE_URL = re.compile(r"(?<![(<\[\w/])https?://[^\s<>()\[\]\"'`]+")


def _autolink(match: re.Match) -> str:
    url = match.group(0)
    stripped = url.rstrip(".,;:!?")
    return f"<{stripped}>{url[len(stripped) :]}"


def _demote_headings(tokens: list) -> None:
    """`#` is a heading under the page's title (h1): h1 → h2 … capped at h4."""
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 4)}"


def clean(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=REL, strip_comments=True)


def render(text: str) -> SafeString:
    """The body's sanitised HTML (safe to put in a page unescaped)."""
    source = _BARE_URL.sub(_autolink, (text or "").replace("\r\n", "\n"))
    env: dict = {}
    tokens = _md.parse(source, env)
    _demote_headings(tokens)
    return mark_safe(clean(_md.renderer.render(tokens, _md.options, env)))  # noqa: S308 - sanitised by nh3


def blocks(text: str) -> list[str]:
    """The body's parts between blank lines (present mode: one idea per screen), as source text."""
    return [part.strip() for part in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")) if part.strip()]
