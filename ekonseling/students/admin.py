from ekonseling.core.admin_site import SchoolScopedAdmin, admin_site

from .models import AcademicYear, Rombel, Student


class AcademicYearAdmin(SchoolScopedAdmin):
    policy_action = "admin.academic_year"
    list_display = ["name", "starts_on", "ends_on", "is_current"]


class RombelAdmin(SchoolScopedAdmin):
    policy_action = "admin.rombel"
    list_display = ["name", "grade", "academic_year", "wali_kelas"]
    list_filter = ["academic_year", "grade"]
    search_fields = ["name"]
    filter_horizontal = ["counselors"]


class StudentAdmin(SchoolScopedAdmin):
    policy_action = "admin.students"
    list_display = ["name", "nisn", "sex", "rombel"]
    list_filter = ["rombel", "sex"]
    search_fields = ["name", "nisn"]
    # Health notes are for counselors: the operator's admin never shows or edits them.
    exclude = ["health_notes", "special_needs", "user"]
    list_select_related = ["rombel"]


admin_site.register(AcademicYear, AcademicYearAdmin)
admin_site.register(Rombel, RombelAdmin)
admin_site.register(Student, StudentAdmin)
