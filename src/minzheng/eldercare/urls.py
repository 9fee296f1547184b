from django.urls import path

from minzheng.eldercare import views

app_name = "eldercare"
urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("allowances/", views.allowance_list, name="allowance_list"),
    path("meals/", views.meal_points, name="meal_points"),
    path("meals/records/", views.meal_records, name="meal_records"),
    path("meals/statements/", views.meal_statements, name="meal_statements"),
]
