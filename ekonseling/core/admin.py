from django.utils.translation import gettext_lazy as _

from . import policy
from .admin_site import SchoolScopedAdmin, admin_site, school_inlines
from .models import School


class SchoolAdmin(SchoolScopedAdmin):
    policy_action = "admin.school"
    list_display = ["name", "npsn", "level", "city"]
    search_fields = ["name", "npsn"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "npsn", "level"]}),
        (
            _("Letterhead"),
            {
                "fields": [
                    "address",
                    "city",
                    "province",
                    "phone",
                    "email",
                    "website",
                    "headmaster_name",
                    "headmaster_nip",
                ]
            },
        ),
        (_("Security"), {"fields": ["require_staff_2fa"]}),
    ]

    def get_queryset(self, request):
        queryset = super(SchoolScopedAdmin, self).get_queryset(request)
        return queryset if request.user.is_superuser else queryset.filter(pk=request.user.school_id)

    def get_inlines(self, request, obj):
        # The apps' per-school settings (crisis contacts, ...), registered from their admin.py.
        return school_inlines()

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        # A read-only field is not in the form, and the admin cannot prepopulate what is not there.
        return super().get_prepopulated_fields(request, obj) if request.user.is_superuser else {}

    def get_exclude(self, request, obj=None):
        return []

    def save_model(self, request, obj, form, change):
        super(SchoolScopedAdmin, self).save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return policy.can(request.user, "admin.school.create")

    def has_delete_permission(self, request, obj=None):
        return policy.can(request.user, "admin.school.delete", obj)


admin_site.register(School, SchoolAdmin)
