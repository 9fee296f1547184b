from django.urls import path

from minzheng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("account/password/", views.change_password, name="password"),
    path("security/locked/", views.locked_users, name="locked_users"),
    path("security/locked/<int:user_id>/unlock/", views.unlock_user, name="unlock_user"),
    path("security/login-log/", views.login_log, name="login_log"),
    path("security/requests/", views.access_requests, name="access_requests"),
    path("security/requests/<int:request_id>/decide/", views.decide_request, name="decide_request"),
    path("system/users/", views.user_list, name="user_list"),
    path("system/users/<int:user_id>/", views.user_edit, name="user_edit"),
    path("system/regions/options/", views.region_options, name="region_options"),
]
