"""Administrations and critical-item alerts (under /instrumen/), as counselors run them."""

from django.urls import path

from . import views_manage

urlpatterns = [
    path("pemberian/", views_manage.administration_list, name="administrations"),
    path("pemberian/baru/", views_manage.administration_new, name="administration_new"),
    path("pemberian/<int:pk>/", views_manage.administration_detail, name="administration"),
    path("pemberian/<int:pk>/status/", views_manage.administration_status, name="administration_status"),
    path("pemberian/<int:pk>/hasil-siswa/", views_manage.administration_release, name="administration_release"),
    path("lembar/<int:pk>/perpanjang/", views_manage.assignment_extend, name="assignment_extend"),
    path("lembar/<int:pk>/buka-kembali/", views_manage.assignment_reopen, name="assignment_reopen"),
    path("peringatan/<int:pk>/", views_manage.alert, name="alert"),
]
