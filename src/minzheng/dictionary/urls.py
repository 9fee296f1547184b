from django.urls import path

from minzheng.dictionary import views

app_name = "dictionary"
urlpatterns = [path("", views.label_list, name="labels")]
