from django.urls import path

from minzheng.registry import views

app_name = "registry"
urlpatterns = [
    path("persons/", views.person_list, name="person_list"),
    path("persons/export.xlsx", views.person_export, name="person_export"),
    path("persons/pick/", views.person_pick, name="person_pick"),
    path("households/pick/", views.household_pick, name="household_pick"),
    path("persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("persons/<int:person_id>/reveal/<str:field>/", views.person_reveal, name="person_reveal"),
    path("persons/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:person_id>/tags/", views.person_tag_add, name="person_tag_add"),
    path("tags/<int:tag_id>/end/", views.tag_end, name="tag_end"),
    path("households/", views.household_list, name="household_list"),
    path("households/<int:household_id>/", views.household_detail, name="household_detail"),
    path(
        "households/<int:household_id>/changes/",
        views.household_change_submit,
        name="household_change_submit",
    ),
    path("change-requests/", views.change_request_list, name="change_request_list"),
    path(
        "change-requests/<int:request_id>/review/",
        views.change_request_review,
        name="change_request_review",
    ),
]
