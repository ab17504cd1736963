"""What the domain apps plug into the kernel: menu entries, home-page cards, student-page sections,
demo loaders, encrypted-file handlers and the phrasings of their audit details. (Policy rules
register in `core.policy`, personal-data contributors and erasure hooks in `core.personal_data`.)

Each app registers from its own `plugin.py`, imported by its AppConfig.ready(), so adding an app
changes no file in `core`. `core` never imports a domain app: it only calls what was registered.
Every visible contribution names a policy action and is shown only when the policy allows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from . import policy

# --- menu ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: Any  # a lazy translation
    action: str
    order: int = 100
    # An optional badge: a function of the user returning a number to show beside the label (0 hides it).
    badge: Callable[[Any], int] | None = None
    # Who gets the badge, when not everyone who sees the entry does (say, counselors but not the
    # wali kelas who also opens the page): a policy action; None means the entry's own.
    badge_action: str | None = None

    def badged_for(self, user) -> bool:
        return self.badge is not None and (self.badge_action is None or policy.can(user, self.badge_action))


_MENU: dict[str, MenuEntry] = {}


def register_menu(url_name: str, label, action: str, order: int = 100, badge=None, badge_action=None) -> None:
    _MENU[url_name] = MenuEntry(url_name, label, action, order, badge, badge_action)


def menu_for(user) -> list[MenuEntry]:
    if user is None:
        return []
    return [
        entry for entry in sorted(_MENU.values(), key=lambda e: (e.order, e.url_name)) if policy.can(user, entry.action)
    ]


def badges_for(user) -> dict[str, int]:
    """{url name: count} for the user's menu entries that have a badge (0 included, so a page can
    hide a badge that went to zero). Each badge function must be cheap: a query or two."""
    return {entry.url_name: int(entry.badge(user) or 0) for entry in menu_for(user) if entry.badged_for(user)}


# --- home page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HomeHeading:
    """The page's title and its `data-page` id; the app that knows the roles decides them."""

    page_id: str
    title: Any
    intro: Any = ""


@dataclass(frozen=True)
class Card:
    """A section of a page: shown when `action` is allowed (with the page's object, if any) and
    `context` does not return None. `context` runs in the view, so it may audit a read."""

    name: str
    template: str
    action: str
    context: Callable[..., dict | None] | None = None
    order: int = 100
    extrahead: str = ""  # a template for the page's <head> (the card's styles), included once
    # A live card is re-fetched by the page (`/beranda/kartu/<name>/`, static/js/live.js) when a
    # `live.refresh` event or the interval says something may have changed.
    live: bool = False


_HEADINGS: list[Callable[[Any], HomeHeading | None]] = []
_HOME_CARDS: dict[str, Card] = {}
_STUDENT_SECTIONS: dict[str, Card] = {}


def register_home_heading(heading: Callable[[Any], HomeHeading | None]) -> None:
    if heading not in _HEADINGS:
        _HEADINGS.append(heading)


def home_heading(user) -> HomeHeading | None:
    for heading in _HEADINGS:
        found = heading(user)
        if found is not None:
            return found
    return None


def register_home_card(
    name: str, template: str, action: str, context=None, order: int = 100, extrahead="", live=False
) -> None:
    """`context(request)` returns the card's template context, or None to leave the card out. A
    `live` card is refreshed in place by the page (its template is wrapped in `data-live-card`)."""
    _HOME_CARDS[name] = Card(name, template, action, context, order, extrahead, live)


def register_student_section(name: str, template: str, action: str, context=None, order: int = 100) -> None:
    """`context(request, student)` returns the section's template context, or None to leave it out."""
    _STUDENT_SECTIONS[name] = Card(name, template, action, context, order)


@dataclass
class Shown:
    """A card the viewer may see, rendered with its own template and context."""

    card: Card
    html: str


def _shown(cards, request, *args) -> list[Shown]:
    shown = []
    for card in sorted(cards, key=lambda c: (c.order, c.name)):
        if not policy.can(request.user, card.action, *args):
            continue
        context = card.context(request, *args) if card.context else {}
        if context is not None:
            shown.append(Shown(card, render_to_string(card.template, context, request=request)))
    return shown


def extraheads(shown: list[Shown]) -> list[str]:
    return list(dict.fromkeys(s.card.extrahead for s in shown if s.card.extrahead))


def home_cards(request) -> list[Shown]:
    return _shown(_HOME_CARDS.values(), request)


def live_home_card(request, name: str) -> Shown | None:
    """One live card as the home page would show it now, or None (no such live card, not allowed,
    or nothing to show)."""
    card = _HOME_CARDS.get(name)
    if card is None or not card.live:
        return None
    shown = _shown([card], request)
    return shown[0] if shown else None


def student_sections(request, student) -> list[Shown]:
    return _shown(_STUDENT_SECTIONS.values(), request, student)


# --- demo school ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLoader:
    name: str
    load: Callable[[Any], None]  # load(demo) with demo a core.demo.Demo
    order: int = 100
    logins: Callable[[], list[tuple[str, str, Any]]] | None = None


_DEMO: dict[str, DemoLoader] = {}


def register_demo(name: str, load, order: int = 100, logins=None) -> None:
    _DEMO[name] = DemoLoader(name, load, order, logins)


def demo_loaders() -> list[DemoLoader]:
    return sorted(_DEMO.values(), key=lambda d: (d.order, d.name))


# --- key rotation ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedFiles:
    """Files encrypted under the data keys (encrypted columns are found by the kernel itself).
    `rotate(batch_size, out, err)` re-encrypts them under the primary key and reports."""

    name: str
    rotate: Callable[[int, Any, Any], None]


_FILES: dict[str, EncryptedFiles] = {}


def register_encrypted_files(name: str, rotate) -> None:
    _FILES[name] = EncryptedFiles(name, rotate)


def encrypted_files() -> list[EncryptedFiles]:
    return [_FILES[name] for name in sorted(_FILES)]


# --- the school calendar --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    """A day of the school calendar another app shows (a holiday: the school is closed)."""

    date: Any  # datetime.date
    name: str
    closed: bool = True


_CALENDAR: dict[str, Callable[[int, Any, Any], list[CalendarDay]]] = {}


def register_school_calendar(name: str, days) -> None:
    """``days(school_id, first, last)``: the calendar days an app keeps (say, appointments' school
    holidays), so other apps show them without importing it or keeping a copy."""
    _CALENDAR[name] = days


def school_calendar(school_id: int, first, last) -> list[CalendarDay]:
    """Every registered calendar day of the school from ``first`` to ``last``, by date."""
    days = [day for name in sorted(_CALENDAR) for day in _CALENDAR[name](school_id, first, last)]
    return sorted(days, key=lambda day: (day.date, day.name))


# --- audit details --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditDetail:
    """A phrasing of the audit details an app writes (plain English, stable for exports and greps),
    and how a person reads it (`core.audit.shown_detail`). The pattern's named groups fill the
    template; by convention a `fields` group holds field names (shown as their labels) and a `what`
    group another detail (shown as that detail is)."""

    pattern: re.Pattern[str]
    template: Any  # a lazy translation with the pattern's groups as %(name)s
    coded: frozenset[str]  # groups holding a stored code: shown as the label of the choice it is a value of
    labels: Mapping[str, Mapping[str, Any]]  # group → {code: label} for codes that are no choice's value


_AUDIT_DETAILS: dict[str, AuditDetail] = {}


def register_audit_detail(
    pattern: str, template, *, coded: tuple[str, ...] = (), labels: Mapping[str, Mapping[str, Any]] | None = None
) -> None:
    """`pattern` matches a whole detail; registering the same pattern again replaces it in place."""
    _AUDIT_DETAILS[pattern] = AuditDetail(re.compile(pattern + r"\Z"), template, frozenset(coded), labels or {})


def audit_details() -> list[AuditDetail]:
    """The registered phrasings in the order they are tried: those that wrap another detail (a
    `what` group: "…; password withdrawn") first, as they may end any other; then as registered
    (the rest each begin with words of their own, so no detail matches two)."""
    return sorted(_AUDIT_DETAILS.values(), key=lambda detail: "what" not in detail.pattern.groupindex)


_AUDIT_REPRS: dict[str, re.Pattern[str]] = {}


def register_audit_repr(pattern: str) -> None:
    """A record's name (`__str__`) as the code writes it in English (say "alert on sheet 12"): the
    audit log shows such a record by its kind and id instead (`core.audit.shown_object`)."""
    _AUDIT_REPRS[pattern] = re.compile(pattern)


def audit_reprs() -> list[re.Pattern[str]]:
    return list(_AUDIT_REPRS.values())


# --- the end of a classical session (present mode) ------------------------------------------------------


@dataclass(frozen=True)
class ClassicalSession:
    """A classical-guidance session the counselor is presenting (the information service's present
    mode): what another app needs to follow it up there (the program's "the session was given, ask
    for the Laiseg") without importing the app that presents it, or being imported by it."""

    school_id: int
    title: str
    rombel_id: int | None  # the rombel of the session's live poll, when there is one
    return_url: str  # the present-mode page, where a follow-up's form comes back to


_SESSION_END: dict[str, Card] = {}


def register_session_end(name: str, template: str, action: str, context, order: int = 100) -> None:
    """A tool shown when a classical session ends in present mode, when `action` is allowed (without
    an object) and `context(request, session)` does not return None."""
    _SESSION_END[name] = Card(name, template, action, context, order)


def session_end_tools(request, session: ClassicalSession) -> list[Shown]:
    shown = []
    for card in sorted(_SESSION_END.values(), key=lambda c: (c.order, c.name)):
        if not policy.can(request.user, card.action):
            continue
        context = card.context(request, session)
        if context is not None:
            shown.append(Shown(card, render_to_string(card.template, context, request=request)))
    return shown
