"""The instruments card on the counselor's home page, built here so core's home view needs no change."""

from django import template

from ..views_manage import home_card

register = template.Library()


@register.simple_tag
def instruments_home_card(user):
    """{"administrations": open ones with counts, "alerts": open critical-item alerts} for `user`."""
    return home_card(user)
