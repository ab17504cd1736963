from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "ekonseling.instruments"
    label = "instruments"
    verbose_name = _("Instruments")

    def ready(self):
        from ekonseling.students.views import STUDENT_PAGE_SECTIONS

        # The student page lists the student's instrument results to their counselors and to them.
        section = ("instruments/_student_section.html", "student.view_counseling")
        if section not in STUDENT_PAGE_SECTIONS:
            STUDENT_PAGE_SECTIONS.append(section)

        from . import personal_data

        personal_data.register()
