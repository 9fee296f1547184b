from django.urls import path

from minzheng.grievances import portal

app_name = "portal_grievances"
urlpatterns = [
    path("", portal.mine, name="mine"),
    path("<int:grievance_id>/", portal.detail, name="detail"),
]
