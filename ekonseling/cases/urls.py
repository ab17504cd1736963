from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("rujukan/", views.referral_list, name="referrals"),
    path("rujukan/baru/", views.referral_new, name="referral_new"),
    path("rujukan/<int:pk>/", views.referral_detail, name="referral"),
    path("siswa/<int:pk>/baru/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/ubah/", views.case_edit, name="edit"),
    path("<int:pk>/status/", views.case_status, name="status"),
    path("<int:pk>/catatan/", views.case_note, name="note"),
    path("<int:pk>/akses/", views.case_access, name="access"),
    path("<int:pk>/tindak-lanjut/", views.follow_up_new, name="follow_up_new"),
    path("tindak-lanjut/<int:pk>/selesai/", views.follow_up_done, name="follow_up_done"),
    # Records of the services around a case (after the fixed paths: a kind is any slug).
    # kind: panggilan-ortu, kunjungan-rumah, konferensi, alih-tangan
    path("<int:pk>/<slug:kind>/baru/", views.record_new, name="record_new"),
    path("<slug:kind>/<int:pk>/", views.record_edit, name="record"),
    path("<slug:kind>/<int:pk>/surat.pdf", views.record_letter, name="record_letter"),
]
