"""What the student database adds to the kernel: menu entries and home-page cards."""

from django.utils.translation import gettext_lazy as _

from ekonseling.core import registry

from . import home

registry.register_menu("students:list", _("Students"), "student.list", order=60)
registry.register_menu("students:account_rombels", _("Student accounts"), "rombel.manage_accounts", order=70)
registry.register_menu("students:caseload", _("Caseloads"), "caseload.manage", order=80)
registry.register_menu("students:year_end", _("Year-end promotion"), "rombel.promote", order=90)
registry.register_menu("students:deletion_requests", _("Deletion requests"), "student.carry_out_deletion", order=100)
registry.register_menu("students:summary", _("School summary"), "school.aggregates", order=110)

registry.register_home_card(
    "students.own_record", "students/home/own_record.html", "student.edit_own", home.own_record, order=10
)
registry.register_home_card("students.operator", "students/home/operator.html", "student.import", order=10)
registry.register_home_card(
    "students.summary", "students/home/summary.html", "home.school_summary", home.summary_card, order=20
)
registry.register_home_card(
    "students.caseload", "students/home/caseload.html", "home.caseload", home.counselor_rombels, order=50
)
registry.register_home_card(
    "students.homeroom", "students/home/homeroom.html", "home.homeroom", home.homeroom, order=50
)

# --- audit details (core.audit.shown_detail) ---------------------------------------------------------
detail = registry.register_audit_detail
detail(r"own profile: (?P<fields>.*)", _("own profile: %(fields)s"))
detail(r"reset by counselor", _("reset by a counselor"))
detail(r"login cards printed: (?P<n>\d+)", _("login cards printed: %(n)s"))
detail(
    r"student accounts created: (?P<n>\d+); already had an account: (?P<m>\d+)",
    _("student accounts created: %(n)s; already had an account: %(m)s"),
)
detail(r"deletion request #(?P<n>\d+)", _("deletion request #%(n)s"))
detail(r"deletion request #(?P<n>\d+) rejected", _("deletion request #%(n)s rejected"))
