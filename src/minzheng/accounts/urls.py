from django.urls import path

from minzheng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("security/locked/", views.locked_users, name="locked_users"),
    path("security/locked/<int:user_id>/unlock/", views.unlock_user, name="unlock_user"),
    path("security/login-log/", views.login_log, name="login_log"),
    path("system/users/", views.user_list, name="user_list"),
]
