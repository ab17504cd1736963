from django.conf import settings

from . import registry


def navigation(request):
    """The menu: the entries the apps registered that the policy allows this user."""
    user = getattr(request, "user", None)
    menu = [(entry.url_name, entry.label) for entry in registry.menu_for(user)] if user else []
    return {"menu": menu, "LANGUAGES": settings.LANGUAGES}
