from django.urls import path

from . import views_records as views

urlpatterns = [
    path("<int:pk>/ubah/", views.student_edit, name="edit"),
    path("<int:pk>/foto/", views.student_photo, name="photo"),
    path("<int:pk>/data-pribadi.json", views.student_personal_data, name="personal_data"),
    path("<int:pk>/hapus/", views.student_request_deletion, name="request_deletion"),
    path("penghapusan/", views.deletion_requests, name="deletion_requests"),
    path("penghapusan/<int:pk>/", views.deletion_decide, name="deletion_decide"),
    path("rombel/<int:pk>/ekspor.xlsx", views.rombel_export, name="rombel_export"),
    path("kenaikan-kelas/", views.year_end, name="year_end"),
    path("caseload/", views.caseload, name="caseload"),
]
