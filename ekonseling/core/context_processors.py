from django.conf import settings

from . import registry


def navigation(request):
    """The menu: the entries the apps registered that the policy allows this user."""
    user = getattr(request, "user", None)
    entries = registry.menu_for(user) if user else []
    # Badges are counted by /beranda/lencana/ (static/js/live.js), never here: every page would pay for them.
    menu = [(entry.url_name, entry.label, entry.badged_for(user)) for entry in entries]
    return {"menu": menu, "has_badges": any(badge for _name, _label, badge in menu), "LANGUAGES": settings.LANGUAGES}
