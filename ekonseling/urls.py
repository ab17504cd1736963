from django.urls import include, path

from ekonseling.accounts.views import set_language
from ekonseling.core.admin_site import admin_site

urlpatterns = [
    path("", include("ekonseling.core.urls")),
    path("", include("ekonseling.accounts.urls")),
    path("siswa/", include("ekonseling.students.urls")),
    path("konseling/", include("ekonseling.counseling.urls")),
    path("instrumen/", include("ekonseling.instruments.urls")),
    path("layanan/", include("ekonseling.records.urls")),
    path("kasus/", include("ekonseling.cases.urls")),
    path("sosiometri/", include("ekonseling.sociometry.urls")),
    path("jadwal/", include("ekonseling.appointments.urls")),
    path("program/", include("ekonseling.program.urls")),
    path("informasi/", include("ekonseling.information.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin_site.urls),
]
