"""`{% student_conversations student request.user as conversations %}`: the conversations of a
student that the viewer may open, for the counseling section of the student page. The query and
the audit entry live in `letters.student_record`; the tag only hands them to the template."""

from django import template

from ekonseling.core import audit
from ekonseling.counseling import letters

register = template.Library()


@register.simple_tag(takes_context=True)
def student_conversations(context, student, user):
    request = context.get("request")
    if request is None or user is None or getattr(request, "user", None) != user:
        # The list is always the signed-in viewer's own view of the record, never someone else's.
        return []
    return letters.student_record(user, student, **audit.request_origin(request))
