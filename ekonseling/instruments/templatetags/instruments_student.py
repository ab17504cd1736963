"""The student's home page card: instruments open for filling now (its view lives in core)."""

from django import template

register = template.Library()


@register.simple_tag
def student_instruments(user):
    """The student's sheets grouped by state; empty groups for anyone else."""
    from ekonseling.core import policy

    from ..views_fill import student_sheets

    if not policy.can(user, "assignment.fill"):
        return {}
    return student_sheets(user)
