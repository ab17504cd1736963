from django.urls import include, path

app_name = "counseling"

urlpatterns = [
    path("", include("ekonseling.counseling.urls_chat")),
    path("", include("ekonseling.counseling.urls_letters")),
    path("", include("ekonseling.counseling.urls_outreach")),
]
