"""Student logins: accounts for a whole rombel at once, one-time passwords, printed login cards.

A one-time password exists in plain text only in memory, on the screen once, and on the printed
card. Between the request that issues it and the request that downloads the cards it is kept in
the session encrypted (`keep_pending` / `take_pending`), and it is dropped after the download or
after `PENDING_TTL`. Whoever loses the cards resets the password; nobody can look it up again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from io import BytesIO

from axes.utils import reset as reset_lockouts
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from ekonseling.accounts.models import Role, User, new_one_time_password
from ekonseling.core import audit, crypto
from ekonseling.core.errors import ActionError
from ekonseling.core.models import School

from .models import Rombel, Student

PENDING_SESSION_KEY = "students.pending_login_cards"
PENDING_TTL = timedelta(minutes=30)

# The card is printed in the language of whoever prints it (Indonesian by default).
CARD_TITLE = gettext_lazy("E-Konseling sign-in card")
CARD_WARNING = gettext_lazy("Change the password when you first sign in. Do not give this card to anyone.")


class NoAccountError(ActionError):
    """The student has no account of their own to reset."""

    code = "students.no_account"


@dataclass(frozen=True)
class IssuedLogin:
    student: Student
    username: str
    password: str


# --- creating and resetting --------------------------------------------------------------------------


def _username_candidates(student: Student, school: School) -> Iterator[str]:
    """NISN first because it is unique nationally and all digits (easy on a phone keypad). It can
    still be taken here: a student who moved schools keeps an account at the old one, and one
    deployment serves many schools; then the school's slug tells the two apart."""
    nisn = re.sub(r"[^\w.@+-]", "", student.nisn or "")
    if not nisn:
        base = f"{school.slug}-{student.pk}"
        yield base
    else:
        yield nisn
        base = f"{nisn}-{school.slug}"
        yield base
    n = 2
    while True:
        yield f"{base}-{n}"
        n += 1


def _free_username(student: Student, school: School, taken: set[str]) -> str:
    for candidate in _username_candidates(student, school):
        candidate = candidate[:150]
        if candidate.lower() not in taken and not User.objects.filter(username__iexact=candidate).exists():
            taken.add(candidate.lower())
            return candidate
    raise AssertionError("unreachable: the candidates never run out")


def create_accounts_for_rombel(
    rombel: Rombel, actor: User | None, *, ip: str | None = None, user_agent: str = ""
) -> list[IssuedLogin]:
    """Accounts for the rombel's active students who have none; nobody who has one is touched, so
    pressing the button twice never locks out a student who already signed in."""
    school = rombel.school
    issued = []
    with transaction.atomic():
        students = list(
            Student.objects.select_for_update()
            .filter(school=school, rombel=rombel, status=Student.Status.ACTIVE, user__isnull=True)
            .order_by("name", "pk")
        )
        skipped = Student.objects.filter(
            school=school, rombel=rombel, status=Student.Status.ACTIVE, user__isnull=False
        ).count()
        taken = set()
        for student in students:
            password = new_one_time_password()
            user = User(
                username=_free_username(student, school, taken),
                role=Role.SISWA,
                school=school,
                full_name=student.name[:200],
                must_change_password=True,
                # The student record may hold conversations of an earlier, deleted account: they
                # are not the card holder's to read.
                counseling_visible_from=timezone.now(),
            )
            user.set_password(password)
            user.save()
            student.user = user
            student.save(update_fields=["user", "updated_at"])
            issued.append(IssuedLogin(student, user.username, password))
        if issued:
            audit.record_for(
                actor,
                audit.Action.CREATE,
                rombel,
                ip=ip,
                user_agent=user_agent,
                detail=f"student accounts created: {len(issued)}; already had an account: {skipped}",
            )
    return issued


def reset_password(student: Student, actor: User | None, *, ip: str | None = None, user_agent: str = "") -> IssuedLogin:
    """A new one-time password for a student who forgot theirs or whose card went astray.

    Only a student account is reset: a staff account mistakenly linked to a student record must not
    become a way for a counselor to take over a colleague's login. Whoever knew the old password (or
    still holds a signed-in phone) is out from now on, and the conversations the student wrote before
    are withheld from the account until the student types their previous password: the counselor
    who holds the card cannot read them, nor learn who asked an anonymous question
    (docs/anonymity.md).
    """
    user = student.user
    if user is None or user.role != Role.SISWA or user.school_id != student.school_id:
        raise NoAccountError(gettext("This student has no student account to reset."))
    with transaction.atomic():
        password = user.issue_one_time_password()
        audit.record_for(actor, audit.Action.PASSWORD, user, "reset by counselor", ip, user_agent)
    # A student locked out by failed attempts would otherwise wait out the cool-off with a new card.
    reset_lockouts(username=user.username)
    return IssuedLogin(student, user.username, password)


# --- keeping issued passwords until the cards are printed ----------------------------------------------


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a card is dropped once the student has chosen their
    own password or someone reset it again: a stale card would only confuse."""
    return hashlib.sha256(user.password.encode()).hexdigest()[:24]


def _load(session: SessionBase) -> tuple[dict[str, dict], bool]:
    """The pending entries still within `PENDING_TTL`, and whether any had to be dropped."""
    token = session.get(PENDING_SESSION_KEY)
    if not token:
        return {}, False
    try:
        entries = json.loads(crypto.decrypt(token))
    except (crypto.InvalidToken, ValueError):
        return {}, True
    cutoff = time.time() - PENDING_TTL.total_seconds()
    fresh = {key: entry for key, entry in entries.items() if entry.get("at", 0) >= cutoff}
    return fresh, len(fresh) != len(entries)


def _store(session: SessionBase, entries: dict[str, dict]) -> None:
    if entries:
        session[PENDING_SESSION_KEY] = crypto.encrypt(json.dumps(entries))
    else:
        session.pop(PENDING_SESSION_KEY, None)
    session.modified = True


def keep_pending(session: SessionBase, issued: Iterable[IssuedLogin]) -> None:
    """Remember issued passwords, encrypted, until the cards are downloaded; a newer password for
    the same student replaces the older one."""
    entries, _ = _load(session)
    now = time.time()
    for login in issued:
        entries[str(login.student.pk)] = {
            "password": login.password,
            "fingerprint": _fingerprint(login.student.user),
            "at": now,
        }
    _store(session, entries)


def _pending(session: SessionBase, students: QuerySet[Student], *, take: bool) -> list[IssuedLogin]:
    entries, changed = _load(session)
    wanted = students.filter(pk__in=[int(pk) for pk in entries]).select_related("user", "rombel")
    issued = []
    for student in wanted.order_by("name", "pk"):
        key = str(student.pk)
        user = student.user
        valid = user is not None and user.must_change_password and entries[key]["fingerprint"] == _fingerprint(user)
        if valid:
            issued.append(IssuedLogin(student, user.username, entries[key]["password"]))
        if take or not valid:
            del entries[key]
            changed = True
    if changed:
        _store(session, entries)
    return issued


def peek_pending(session: SessionBase, students: QuerySet[Student]) -> list[IssuedLogin]:
    """The still-valid issued logins among `students`, left in place."""
    return _pending(session, students, take=False)


def take_pending(session: SessionBase, students: QuerySet[Student]) -> list[IssuedLogin]:
    """The still-valid issued logins among `students`, removed: a card is downloaded once."""
    return _pending(session, students, take=True)


# --- login cards ---------------------------------------------------------------------------------------

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 10 * mm
COLUMNS, ROWS = 2, 4
CARD_WIDTH = (PAGE_WIDTH - 2 * MARGIN) / COLUMNS
CARD_HEIGHT = (PAGE_HEIGHT - 2 * MARGIN) / ROWS
PADDING = 5 * mm
TEXT_WIDTH = CARD_WIDTH - 2 * PADDING


def _break_long(word: str, font: str, size: float, width: float) -> list[str]:
    """Split a word with no spaces (a long username or name) into pieces that fit."""
    pieces, current = [], ""
    for char in word:
        if current and stringWidth(current + char, font, size) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        pieces = _break_long(word, font, size, width) if stringWidth(word, font, size) > width else [word]
        for piece in pieces:
            attempt = f"{current} {piece}" if current else piece
            if current and stringWidth(attempt, font, size) > width:
                lines.append(current)
                current = piece
            else:
                current = attempt
    return [*lines, current] if current else lines


def fit_text(
    text: str,
    font: str,
    size: float,
    min_size: float,
    width: float,
    max_lines: int,
    one_line_min: float | None = None,
) -> tuple[float, list[str]]:
    """The largest size (down to `min_size`) at which `text` fits: one line is tried at every size
    before wrapping, because a name split over two lines reads worse than a slightly smaller one."""
    text = " ".join(str(text).split())
    one_line_floor = max(min_size, size * 0.75) if one_line_min is None else one_line_min
    candidate = size
    while candidate >= one_line_floor:
        if stringWidth(text, font, candidate) <= width:
            return candidate, [text]
        candidate -= 0.5
    candidate = size
    while candidate >= min_size:
        lines = _wrap(text, font, candidate, width)
        if len(lines) <= max_lines:
            return candidate, lines
        candidate -= 0.5
    lines = _wrap(text, font, min_size, width)[:max_lines]
    last = lines[-1]
    while last and stringWidth(last + "…", font, min_size) > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return min_size, lines


def _block(
    pdf: canvas.Canvas, x: float, top: float, lines: list[str], font: str, size: float, leading: float = 1.2
) -> float:
    """Draw `lines` in a box whose top edge is `top`; return the top of the space below it."""
    pdf.setFont(font, size)
    baseline = top - size * 0.8
    for line in lines:
        pdf.drawString(x, baseline, line)
        baseline -= size * leading
    return top - size * leading * len(lines)


def _draw_card(
    pdf: canvas.Canvas, left: float, bottom: float, login: IssuedLogin, school_name: str, site_url: str
) -> None:
    x = left + PADDING
    top = bottom + CARD_HEIGHT - PADDING
    grey, black = 0.35, 0
    pdf.setFillGray(grey)
    size, lines = fit_text(school_name, "Helvetica", 8, 6, TEXT_WIDTH, 1)
    top = _block(pdf, x, top, lines, "Helvetica", size)
    pdf.setFillGray(black)
    top = _block(pdf, x, top, [str(CARD_TITLE)], "Helvetica-Bold", 10) - 4

    size, lines = fit_text(login.student.name, "Helvetica-Bold", 14, 8, TEXT_WIDTH, 2)
    top = _block(pdf, x, top, lines, "Helvetica-Bold", size, leading=1.15)
    rombel = login.student.rombel.name if login.student.rombel_id else "—"
    size, lines = fit_text(gettext("Rombel: %(rombel)s") % {"rombel": rombel}, "Helvetica", 10, 7, TEXT_WIDTH, 1)
    top = _block(pdf, x, top, lines, "Helvetica", size) - 4

    # Both stay on one line whenever they can: a break inside a username reads as a space.
    credentials = ((gettext("Username"), login.username, 16), (gettext("One-time password"), login.password, 22))
    for label, value, largest in credentials:
        pdf.setFillGray(grey)
        top = _block(pdf, x, top, [label], "Helvetica", 7.5)
        pdf.setFillGray(black)
        size, lines = fit_text(value, "Courier-Bold", largest, 9, TEXT_WIDTH, 2, one_line_min=9)
        if lines[-1].endswith("…"):  # never cut a credential short; smaller beats unusable
            size, lines = fit_text(value, "Courier-Bold", 9, 6, TEXT_WIDTH, 4, one_line_min=9)
        top = _block(pdf, x, top, lines, "Courier-Bold", size, leading=1.1) - 2

    size, warning = fit_text(str(CARD_WARNING), "Helvetica-Oblique", 7.5, 6, TEXT_WIDTH, 2)
    footer_top = bottom + PADDING + len(warning) * size * 1.2
    _block(pdf, x, footer_top, warning, "Helvetica-Oblique", size)
    if site_url:
        size, lines = fit_text(gettext("Address: %(url)s") % {"url": site_url}, "Helvetica", 8.5, 6, TEXT_WIDTH, 1)
        _block(pdf, x, footer_top + size * 1.3, lines, "Helvetica", size)


def _draw_cut_lines(pdf: canvas.Canvas) -> None:
    pdf.saveState()
    pdf.setStrokeGray(0.6)
    pdf.setLineWidth(0.4)
    pdf.setDash(4, 3)
    for column in range(COLUMNS + 1):
        x = MARGIN + column * CARD_WIDTH
        pdf.line(x, MARGIN, x, PAGE_HEIGHT - MARGIN)
    for row in range(ROWS + 1):
        y = MARGIN + row * CARD_HEIGHT
        pdf.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)
    pdf.restoreState()


def login_cards_pdf(issued: Iterable[IssuedLogin], school: School, site_url: str = "") -> bytes:
    """A4 sheets of eight cards with cut lines, to hand out in class; built-in fonts only, so it
    renders the same on any server."""
    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(str(CARD_TITLE))
    pdf.setAuthor(school.name)
    per_page = COLUMNS * ROWS
    for index, login in enumerate(issued):
        slot = index % per_page
        if slot == 0:
            if index:
                pdf.showPage()
            _draw_cut_lines(pdf)
        column, row = slot % COLUMNS, slot // COLUMNS
        left = MARGIN + column * CARD_WIDTH
        bottom = PAGE_HEIGHT - MARGIN - (row + 1) * CARD_HEIGHT
        _draw_card(pdf, left, bottom, login, school.name, site_url)
    if not issued:
        _draw_cut_lines(pdf)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def export_login_cards(
    issued: list[IssuedLogin],
    subject: Rombel | Student,
    actor: User,
    site_url: str = "",
    *,
    ip: str | None = None,
    user_agent: str = "",
) -> bytes:
    """The cards as a PDF, with the printing recorded on `subject` (the rombel or the student): a
    sheet of passwords leaving the system is worth a line in the audit log."""
    data = login_cards_pdf(issued, subject.school, site_url)
    audit.record_for(actor, audit.Action.EXPORT, subject, f"login cards printed: {len(issued)}", ip, user_agent)
    return data
