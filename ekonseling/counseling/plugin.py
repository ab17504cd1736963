"""What online counseling adds to the kernel: menu entries, the student-page section and the key
rotation of attachment files."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

registry.register_menu("counseling:home", _("Counseling"), "counseling.start", order=10)
registry.register_menu("counseling:inbox", _("Counseling inbox"), "counseling.inbox", order=20)
# The school's risk lexicon decides which students' messages raise alerts: the coordinator's call.
registry.register_menu("counseling:risk_lexicon", _("Risk lexicon"), "risk_lexicon.manage", order=30)


def _student_section(request, student):
    from ekonseling.core import audit

    from . import letters

    # The student always sees the section (it leads to counseling); staff only when there is something.
    conversations = letters.student_record(request.user, student, **audit.request_origin(request))
    return {"student": student, "conversations": conversations}


registry.register_student_section(
    "counseling.conversations",
    "counseling/letters/_student_section.html",
    "student.view_counseling",
    _student_section,
    order=10,
)


def _rotate_attachments(batch_size, out, err):
    from . import attachments

    attachments.rotate_files(batch_size, out, err)


registry.register_encrypted_files("counseling.attachments", _rotate_attachments)
