from django.conf import settings

from . import registry


def navigation(request):
    """The menu: the entries the apps registered that the policy allows this user."""
    user = getattr(request, "user", None)
    # A page renders several templates with the request (the home page: one per card); the menu is
    # worked out once per request and user.
    key = (user, getattr(user, "pk", None), getattr(user, "role", None))
    cached = getattr(request, "_ek_navigation", None)
    if cached is not None and cached[0][0] is user and cached[0][1:] == key[1:]:
        return cached[1]
    entries = registry.menu_for(user) if user else []
    # Badges are counted by /beranda/lencana/ (static/js/live.js), never here: every page would pay for them.
    menu = [(entry.url_name, entry.label, entry.badged_for(user)) for entry in entries]
    found = {"menu": menu, "has_badges": any(badge for _name, _label, badge in menu), "LANGUAGES": settings.LANGUAGES}
    request._ek_navigation = (key, found)
    return found
