from __future__ import annotations

from django.urls import path

from minzheng.applications import portal

app_name = "portal"
urlpatterns = [
    path("", portal.home, name="home"),
    path("code/", portal.code, name="code"),
    path("logout/", portal.sign_out, name="logout"),
    path("mine/", portal.mine, name="mine"),
    path("apply/", portal.apply, name="apply"),
    path("account/", portal.account, name="account"),
    path("suggest/", portal.portal_suggest, name="suggest"),
    path("status/<str:token>/", portal.status, name="status"),
    path("public-notice/<str:village>/", portal.public_notice, name="public_notice"),
]
