from django.urls import path

from . import views

app_name = "sociometry"

urlpatterns = [
    path("", views.surveys, name="surveys"),
    path("baru/", views.survey_new, name="survey_new"),
    path("bandingkan/", views.compare, name="compare"),
    path("<int:pk>/", views.survey_detail, name="survey"),
    path("<int:pk>/jendela/", views.survey_window, name="survey_window"),
    path("<int:pk>/analisis/", views.analysis_page, name="analysis"),
    path("<int:pk>/sosiomatriks.xlsx", views.sociomatrix_xlsx, name="sociomatrix_xlsx"),
    path("<int:pk>/sosiogram.svg", views.sociogram_svg, name="sociogram_svg"),
    path("<int:pk>/laporan.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/kertas/", views.paper_entry, name="paper_entry"),
    path("<int:pk>/impor/", views.spreadsheet_import, name="import"),
    path("<int:pk>/templat.xlsx", views.template_xlsx, name="template_xlsx"),
    path("peringatan/<int:pk>/", views.alert, name="alert"),
    path("saya/", views.my_surveys, name="my"),
    path("isi/<int:pk>/", views.fill, name="fill"),
    path("isi/<int:pk>/foto/<int:student_pk>/", views.classmate_photo, name="photo"),
]
