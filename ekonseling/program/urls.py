from django.urls import path

from . import views

app_name = "program"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("susun/", views.draft, name="draft"),
    path("baru/", views.program_new, name="new"),
    path("rekap/", views.recap, name="recap"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/simpan-versi/", views.save_version, name="save_version"),
    path("<int:pk>/kalender/", views.calendar, name="calendar"),
    path("<int:pk>/realisasi/", views.realisation, name="realisation"),
    path("<int:pk>/butir/baru/", views.item_new, name="item_new"),
    path("butir/<int:pk>/", views.item, name="item"),
    path("butir/<int:pk>/hapus/", views.item_delete, name="item_delete"),
    path("butir/<int:pk>/tautan/", views.link, name="link"),
    path("butir/<int:pk>/laksanakan/", views.hold_session, name="hold_session"),
    path("butir/<int:pk>/rpl/", views.rpl, name="rpl"),
    path("butir/<int:pk>/rpl.pdf", views.rpl_pdf, name="rpl_pdf"),
]
