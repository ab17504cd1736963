"""A counselor reaches out (under /konseling/, namespace "counseling"): starting a conversation
with a student, call-ins, and the summary printed on the PDF export."""

from django.urls import path

from . import views_outreach

urlpatterns = [
    path("mulai/<int:pk>/", views_outreach.start_for, name="start_for"),
    path("mulai/<int:pk>/panggil/", views_outreach.call_in_new, name="call_in_new"),
    path("panggilan/", views_outreach.call_ins, name="call_ins"),
    path("panggilan/<int:pk>/terima/", views_outreach.call_in_acknowledge, name="call_in_acknowledge"),
    path("panggilan/<int:pk>/status/", views_outreach.call_in_status, name="call_in_status"),
    path("<int:pk>/ringkasan/", views_outreach.summary, name="summary"),
]
