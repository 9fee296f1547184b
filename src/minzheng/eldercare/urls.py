from django.urls import path

from minzheng.eldercare import home_views, views

app_name = "eldercare"
urlpatterns = [
    path("assessments/", views.assessment_list, name="assessment_list"),
    path("assessments/new/", views.assessment_new, name="assessment_new"),
    path("assessments/<int:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path("allowances/", views.allowance_list, name="allowance_list"),
    path("meals/", views.meal_points, name="meal_points"),
    path("meals/records/", views.meal_records, name="meal_records"),
    path("meals/statements/", views.meal_statements, name="meal_statements"),
    path("adaptations/", home_views.adaptation_list, name="adaptation_list"),
    path("adaptations/new/", home_views.adaptation_new, name="adaptation_new"),
    path(
        "adaptations/<int:adaptation_id>/",
        home_views.adaptation_detail,
        name="adaptation_detail",
    ),
    path(
        "adaptations/<int:adaptation_id>/<str:step>/",
        home_views.adaptation_act,
        name="adaptation_act",
    ),
    path(
        "adaptations/photos/<int:photo_id>/", home_views.adaptation_photo, name="adaptation_photo"
    ),
    path("homecare/providers/", home_views.provider_list, name="provider_list"),
    path("homecare/orders/", home_views.order_list, name="order_list"),
    path("homecare/orders/<int:order_id>/", home_views.order_detail, name="order_detail"),
    path("homecare/timebank/", home_views.timebank, name="timebank"),
    path("homecare/statistics/", home_views.home_statistics, name="home_statistics"),
]
