from django.urls import path

from minzheng.adoption import views

app_name = "adoption"
urlpatterns = [
    path("", views.migrate, name="migrate"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/decide/", views.decide, name="decide"),
]
