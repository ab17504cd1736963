"""`{% student_instrument_results student as results %}`: a student's instrument results that the
signed-in viewer may open, for the instruments section of the student page."""

from django import template

from ekonseling.instruments import reports

register = template.Library()


@register.simple_tag(takes_context=True)
def student_instrument_results(context, student):
    request = context.get("request")
    if request is None:
        return []
    return reports.student_results(request.user, student)
