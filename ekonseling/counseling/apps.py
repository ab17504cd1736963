from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "ekonseling.counseling"
    label = "counseling"
    verbose_name = _("Online counseling")

    def ready(self):
        from ekonseling.students.views import STUDENT_PAGE_SECTIONS

        # The student page lists the student's conversations to their counselors and to them.
        section = ("counseling/letters/_student_section.html", "student.view_counseling")
        if section not in STUDENT_PAGE_SECTIONS:
            STUDENT_PAGE_SECTIONS.append(section)
