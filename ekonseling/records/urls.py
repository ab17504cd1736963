from django.urls import path

from . import views

app_name = "records"

urlpatterns = [
    path("", views.record_list, name="list"),
    path("baru/", views.record_new, name="new"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/ubah/", views.record_edit, name="edit"),
    path("<int:pk>/laiseg/", views.laiseg_request, name="laiseg_request"),
    path("laiseg/", views.laiseg_results, name="laiseg_results"),
    path("laiseg/<int:pk>/", views.laiseg_answer, name="laiseg_answer"),
    path("laporan/", views.report, name="report"),
    path("laporan.pdf", views.report_pdf, name="report_pdf"),
    path("laporan.xlsx", views.report_xlsx, name="report_xlsx"),
    path("dasbor/", views.dashboard, name="dashboard"),
    path("rekap/", views.principal, name="principal"),
]
