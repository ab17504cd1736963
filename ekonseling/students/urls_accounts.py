from django.urls import path

from . import views_accounts as views

urlpatterns = [
    path("rombel/akun/", views.account_rombels, name="account_rombels"),
    path("rombel/<int:pk>/akun/", views.rombel_accounts, name="rombel_accounts"),
    path("rombel/<int:pk>/kartu-login.pdf", views.rombel_login_cards, name="rombel_login_cards"),
    path("<int:pk>/reset-sandi/", views.student_reset_password, name="student_reset_password"),
    path("<int:pk>/kartu-login.pdf", views.student_login_card, name="student_login_card"),
    path("<int:pk>/perubahan/", views.student_changes, name="student_changes"),
    path("profil-saya/", views.my_profile, name="my_profile"),
]
