"""The case book's letters as PDF on the school letterhead (kop surat): surat panggilan orang tua,
surat kunjungan rumah, berita acara konferensi kasus and surat alih tangan kasus.

Each is signed by the counselor who prints it (name and NIP) and carries "Mengetahui, Kepala
Sekolah" with the principal's name and NIP (`core.pdf.signature_block`). A parent's call-in letter
names no problem: what the school wants to discuss stays in the case book.
"""

from __future__ import annotations

from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ekonseling.accounts.models import User
from ekonseling.core import pdf

from .models import CaseConference, HomeVisit, ParentCallIn, ReferralOut

MARGIN = 20 * mm


def _date(value: Any) -> str:
    return formats.date_format(value, "l, j F Y") if value else "—"


def _facts(rows: list[tuple[str, Any]], styles: dict) -> Table:
    table = Table(
        [
            [
                pdf.paragraph(label, styles["body"]),
                pdf.paragraph(":", styles["body"]),
                pdf.paragraph(value or "—", styles["body"]),
            ]
            for label, value in rows
        ],
        colWidths=[45 * mm, 4 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _student_rows(student: Any) -> list[tuple[str, Any]]:
    return [
        (_("Student name"), student.name),
        (_("NISN"), student.nisn),
        (_("Class"), student.rombel.name if student.rombel_id else "—"),
    ]


def _title(text: str, styles: dict, subject: str = "") -> list:
    """The letter's title, and the number line a school fills in by hand from its letter register."""
    rows = [(_("Number"), "......./BK/" + str(timezone.localdate().year))]
    if subject:
        rows.append((_("Subject"), subject))
    return [Paragraph(text.upper(), styles["title"]), _facts(rows, styles), Spacer(1, 4 * mm)]


def _call_in(record: ParentCallIn, styles: dict) -> list:
    student = record.case.student
    story = _title(_("Parent call-in letter"), styles, _("Invitation to the parent or guardian"))
    story.append(pdf.paragraph(_("To: %(name)s, parent or guardian of") % {"name": record.parent_name}, styles["body"]))
    story += [_facts(_student_rows(student), styles), Spacer(1, 4 * mm)]
    story.append(
        pdf.paragraph(
            _(
                "We respectfully ask you to come to the school to meet the guidance and counseling "
                "teacher (guru BK) about your child's development, on:"
            ),
            styles["body"],
        )
    )
    story.append(
        _facts(
            [
                (_("Day and date"), _date(record.meet_on)),
                (_("Time"), formats.time_format(record.meet_at, "H.i")),
                (_("Place"), record.place),
            ],
            styles,
        )
    )
    story += [
        Spacer(1, 4 * mm),
        pdf.paragraph(_("Thank you for your attention and your presence."), styles["body"]),
    ]
    return story


def _home_visit(record: HomeVisit, styles: dict) -> list:
    student = record.case.student
    story = _title(_("Home visit letter"), styles, _("Home visit"))
    story.append(
        pdf.paragraph(
            _("The guidance and counseling teacher named below will visit the home of the student:"), styles["body"]
        )
    )
    story += [_facts(_student_rows(student), styles), Spacer(1, 3 * mm)]
    story.append(_facts([(_("Date of the visit"), _date(record.visit_on)), (_("Address"), record.address)], styles))
    story += [
        Spacer(1, 4 * mm),
        pdf.paragraph(
            _("The visit is part of the school's guidance and counseling service. Thank you for your cooperation."),
            styles["body"],
        ),
    ]
    return story


def _conference(record: CaseConference, styles: dict) -> list:
    student = record.case.student
    story = _title(_("Minutes of the case conference"), styles)
    story.append(
        pdf.paragraph(
            _("On %(date)s at %(place)s a case conference was held about the student:")
            % {"date": _date(record.held_on), "place": record.place},
            styles["body"],
        )
    )
    story += [_facts(_student_rows(student), styles), Spacer(1, 3 * mm)]
    story.append(Paragraph(_("Participants"), styles["heading"]))
    for number, line in enumerate(record.participant_list(), start=1):
        story.append(pdf.paragraph(f"{number}. {line}", styles["body"]))
    story.append(Paragraph(_("Agenda"), styles["heading"]))
    story.append(pdf.paragraph(record.agenda, styles["body"]))
    story.append(Paragraph(_("Discussion and decisions"), styles["heading"]))
    story.append(pdf.paragraph(record.outcome or "—", styles["body"]))
    return story


def _referral_out(record: ReferralOut, styles: dict) -> list:
    student = record.case.student
    story = _title(_("Case referral letter (alih tangan kasus)"), styles, _("Referral of a student"))
    to = f"{record.to_name} ({record.get_to_kind_display()})"
    story.append(pdf.paragraph(_("To: %(to)s") % {"to": to}, styles["body"]))
    if record.to_address:
        story.append(pdf.paragraph(record.to_address, styles["body"]))
    story.append(Spacer(1, 3 * mm))
    story.append(
        pdf.paragraph(
            _("With respect, we refer to you for further help the student:"),
            styles["body"],
        )
    )
    story += [_facts(_student_rows(student), styles), Spacer(1, 3 * mm)]
    story.append(
        _facts([(_("Date"), _date(record.referred_on)), (_("Reason for the referral"), record.reason)], styles)
    )
    story += [
        Spacer(1, 4 * mm),
        pdf.paragraph(_("We would be grateful for a report of the result. Thank you for your help."), styles["body"]),
    ]
    return story


BUILDERS = {
    ParentCallIn: (_call_in, "surat-panggilan-orang-tua"),
    HomeVisit: (_home_visit, "surat-kunjungan-rumah"),
    CaseConference: (_conference, "berita-acara-konferensi-kasus"),
    ReferralOut: (_referral_out, "surat-alih-tangan-kasus"),
}


def filename(record: Any) -> str:
    return f"{BUILDERS[type(record)][1]}-{record.pk}.pdf"


def build(record: Any, signatory: User) -> bytes:
    """The PDF bytes of the record's letter, signed by `signatory`."""
    school = record.case.school
    styles = pdf.styles()
    builder, _name = BUILDERS[type(record)]
    story = pdf.letterhead(school)
    story += builder(record, styles)
    # A guru BK signs as such; a koordinator BK under their own role's name.
    role = _("Guidance and counseling teacher") if signatory.role == "guru_bk" else None
    story.append(pdf.signature_block(school, signatory, role=role))
    return pdf.confidential_document(
        story,
        footer=_("Confidential — %(school)s") % {"school": school.name},
        margin=MARGIN,
        title=filename(record),
        author=school.name,
    )
