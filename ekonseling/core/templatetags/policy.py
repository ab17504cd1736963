"""`{% can "action" obj as allowed %}`: templates ask the same policy the views do."""

from django import template

from ekonseling.core import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, action, obj=None):
    request = context.get("request")
    return policy.can(getattr(request, "user", None), action, obj)
