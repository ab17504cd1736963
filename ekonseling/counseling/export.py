"""A conversation as a PDF on the school's letterhead, for the counselor's case file.

The export is counseling content leaving the system, so it is made only for someone the policy
lets manage the conversation and is written to the audit log. An anonymous question stays
anonymous in the PDF for whoever may not see who asked. Text goes through reportlab's Paragraph,
which wraps long lines and splits a long letter over pages; every piece of user text is escaped,
because Paragraph reads a small markup language. Fonts and the page frame: `core.pdf`.
"""

from xml.sax.saxutils import escape

from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ekonseling.accounts.models import Role
from ekonseling.core import audit, pdf, policy
from ekonseling.core.pdf import fonts

from .models import Message

MARGIN = 18 * mm


def _styles():
    regular, bold = fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10, leading=13.5, splitLongWords=True)
    return {
        "school": ParagraphStyle("school", parent=base, fontName=bold, fontSize=14, leading=17),
        "address": ParagraphStyle("address", parent=base, fontSize=9, leading=11.5, textColor=colors.HexColor("#444")),
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=12.5, leading=16, spaceBefore=6),
        "heading": ParagraphStyle("heading", parent=base, fontName=bold, fontSize=11, leading=14, spaceBefore=10),
        "label": ParagraphStyle("label", parent=base, textColor=colors.HexColor("#555")),
        "body": base,
        "meta": ParagraphStyle(
            "meta", parent=base, fontName=bold, fontSize=9, leading=12, spaceBefore=8, keepWithNext=True
        ),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=colors.HexColor("#555")),
    }


def _text(value):
    """User text as Paragraph markup: escaped, line breaks kept."""
    return "<br/>".join(escape(line) for line in str(value).splitlines()) or "&nbsp;"


def _when(value):
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M") if value else "—"


def _facts(rows, styles):
    table = Table(
        [[Paragraph(_text(label), styles["label"]), Paragraph(_text(value), styles["body"])] for label, value in rows],
        colWidths=[42 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _student_line(conversation, show_identity):
    if not show_identity:
        return _("Anonymous")
    student = conversation.student
    parts = [student.name, f"NISN {student.nisn}"]
    if student.rombel_id:
        parts.append(student.rombel.name)
    return " · ".join(parts)


def _role_label(message, conversation, show_identity):
    if message.sender_role == Message.SenderRole.STUDENT:
        who = conversation.student.name if show_identity else _("Anonymous")
        return f"{_('Student')} ({who})"
    if message.sender_role == Message.SenderRole.COUNSELOR:
        name = message.sender.display_name if message.sender_id else ""
        return f"{_('Counselor')} ({name})" if name else _("Counselor")
    return _("System")


def _event_line(event):
    text = event.get_kind_display()
    if event.actor_id:
        actor = _("the student") if event.actor.role == Role.SISWA else event.actor.display_name
        text += " — " + actor
    if event.to_user_id:
        text += " → " + event.to_user.display_name
    if event.note:
        text += f" ({event.note})"
    return text


def conversation_pdf(conversation, user):
    """The PDF bytes of one conversation, as `user` may see it."""
    styles = _styles()
    show_identity = policy.can(user, "conversation.see_identity", conversation)
    school = conversation.school
    story = pdf.letterhead(school, styles)
    story.append(Paragraph(_text(_("Online counseling record")), styles["title"]))
    rows = [(_("Kind"), conversation.get_kind_display())]
    if conversation.subject:
        rows.append((_("Subject"), conversation.subject))
    rows += [
        (_("Student"), _student_line(conversation, show_identity)),
        (_("Counselor"), conversation.counselor.display_name if conversation.counselor_id else "—"),
        (_("Status"), conversation.get_status_display()),
        (_("Started"), _when(conversation.created_at)),
        (_("Exported"), f"{_when(timezone.now())}, {user.display_name}"),
    ]
    story.append(_facts(rows, styles))
    if conversation.counselor_summary:
        story.append(Paragraph(_text(_("Counselor's summary")), styles["heading"]))
        story.append(Paragraph(_text(conversation.counselor_summary), styles["body"]))

    story.append(Paragraph(_text(_("Messages")), styles["heading"]))
    messages = list(conversation.messages.select_related("sender", "attachment").order_by("seq"))
    for message in messages:
        header = f"#{message.seq} · {_when(message.created_at)} · {_role_label(message, conversation, show_identity)}"
        if message.flagged:
            header += " · " + _("flagged by risk screening")
        story.append(Paragraph(_text(header), styles["meta"]))  # keepWithNext: never alone at a page end
        story.append(Paragraph(_text(message.body), styles["body"]))
        if hasattr(message, "attachment"):
            attachment = message.attachment
            note = _("Attachment: %(name)s (%(type)s, %(size)s)") % {
                "name": attachment.original_name,
                "type": attachment.content_type,
                "size": filesizeformat(attachment.size),
            }
            story.append(Paragraph(_text(note), styles["small"]))
    if not messages:
        story.append(Paragraph(_text(_("No messages.")), styles["body"]))

    events = list(conversation.events.select_related("actor", "to_user").order_by("created_at", "id"))
    story.append(Paragraph(_text(_("Handling")), styles["heading"]))
    if events:
        for event in events:
            story.append(Paragraph(_text(f"{_when(event.created_at)} · {_event_line(event)}"), styles["body"]))
    else:
        story.append(Paragraph(_text(_("No handling events.")), styles["body"]))
    story.append(Spacer(1, 6 * mm))

    return pdf.confidential_document(
        story,
        footer=_("Confidential counseling record of %(school)s") % {"school": school.name},
        margin=MARGIN,
        title=f"{conversation.get_kind_display()} #{conversation.pk}",
        author=school.name,
        subject=_("Online counseling record"),
    )


def export_conversation(user, conversation, *, ip=None, user_agent=""):
    """The PDF for the signed-in user, with the export written to the audit log."""
    data = conversation_pdf(conversation, user)
    audit.record_for(user, audit.Action.EXPORT, conversation, "conversation PDF", ip, user_agent)
    return data
