from django.urls import path

from minzheng.children import views

app_name = "children"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/<slug:step>/", views.case_action, name="case_action"),
    path("directors/", views.directors, name="directors"),
    path("visits-due/", views.visits_due, name="visits_due"),
]
