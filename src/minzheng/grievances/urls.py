from django.urls import path

from minzheng.grievances import views

app_name = "grievances"
urlpatterns = [
    path("", views.grievance_list, name="list"),
    path("<int:grievance_id>/", views.grievance_detail, name="detail"),
    path("<int:grievance_id>/<slug:step>/", views.grievance_action, name="action"),
    path("hotline/", views.hotline_desk, name="desk"),
    path("appeals/", views.appeals, name="appeals"),
]
