"""The school operator sets the crisis contacts on the School admin page (an inline of this app)."""

from ekonseling.core.admin_site import SchoolSettingsInline, register_school_inline

from .models import SafetySettings


class SafetySettingsInline(SchoolSettingsInline):
    model = SafetySettings
    fields = ["crisis_contacts"]


register_school_inline(SafetySettingsInline)
