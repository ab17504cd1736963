"""Reports on administrations (under /instrumen/): profiles, comparisons and their exports."""

from django.urls import path

from . import views_reports

urlpatterns = [
    path("pemberian/<int:pk>/laporan/", views_reports.group_report, name="group_report"),
    path("pemberian/<int:pk>/laporan.xlsx", views_reports.group_report_xlsx, name="group_report_xlsx"),
    path("pemberian/<int:pk>/laporan.pdf", views_reports.group_report_pdf, name="group_report_pdf"),
    path("lembar/<int:pk>/laporan/", views_reports.individual_report, name="individual_report"),
    path("lembar/<int:pk>/laporan.pdf", views_reports.individual_report_pdf, name="individual_report_pdf"),
    path("lembar/<int:pk>/laporan.xlsx", views_reports.individual_report_xlsx, name="individual_report_xlsx"),
    path("bandingkan/", views_reports.compare, name="compare"),
    path("bandingkan.xlsx", views_reports.compare_xlsx, name="compare_xlsx"),
    path("bandingkan.pdf", views_reports.compare_pdf, name="compare_pdf"),
    path("kohort/", views_reports.cohort, name="cohort"),
]
