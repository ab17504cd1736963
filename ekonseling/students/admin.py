from django import forms

from ekonseling.core import policy
from ekonseling.core.admin_site import BoundedStackedInline, SchoolScopedAdmin, admin_site

from .models import AcademicYear, Rombel, Semester, Student


class SemesterInline(BoundedStackedInline):
    """Stacked, not tabular: a table's inputs have no labels of their own (axe's `label` and
    `select-name`, critical) and a table is wider than a phone (issue 15)."""

    model = Semester
    extra = 0
    max_num = 2

    def _can(self, request, obj=None):
        return policy.can(request.user, "admin.academic_year", obj)

    def has_view_permission(self, request, obj=None):
        return self._can(request, obj)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class AcademicYearAdmin(SchoolScopedAdmin):
    policy_action = "admin.academic_year"
    list_display = ["name", "starts_on", "ends_on", "is_current"]
    inlines = [SemesterInline]


class RombelAdmin(SchoolScopedAdmin):
    policy_action = "admin.rombel"
    list_display = ["name", "grade", "academic_year", "wali_kelas"]
    list_filter = ["academic_year", "grade"]
    search_fields = ["name"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Checkboxes: a school has a few guru BK, and Django's two-box filter names its search icons
        # with an aria-label that axe refuses (aria-prohibited-attr, serious) and does not fit 360 px.
        if db_field.name == "counselors":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class StudentAdmin(SchoolScopedAdmin):
    policy_action = "admin.students"
    list_display = ["name", "nisn", "sex", "rombel"]
    list_filter = ["rombel", "sex"]
    search_fields = ["name", "nisn"]
    # Health notes and the attention flag are the counselors'; photos go through the record page,
    # which strips their metadata.
    exclude = ["health_notes", "special_needs", "user", "needs_attention", "photo", "counselors"]
    list_select_related = ["rombel"]
    # Fields the change list may not be filtered by from the address bar: `?special_needs=` would
    # list exactly the students without special needs (issue 11, inference by difference).
    hidden_lookups = frozenset({"health_notes", "special_needs", "needs_attention", "counselors", "user"})

    def lookup_allowed(self, lookup, value, request=None):
        if lookup.split("__", 1)[0] in self.hidden_lookups:
            return False
        return super().lookup_allowed(lookup, value, request)

    def has_delete_permission(self, request, obj=None):
        # Erasure goes through a deletion request, which also scrubs the audit log and imports.
        return False


admin_site.register(AcademicYear, AcademicYearAdmin)
admin_site.register(Rombel, RombelAdmin)
admin_site.register(Student, StudentAdmin)
