from django.urls import path

from minzheng.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("<int:campaign_id>/", views.campaign_detail, name="campaign_detail"),
    path("targets/<int:target_id>/", views.target_visit, name="target_visit"),
]
