from __future__ import annotations

from django.urls import path

from minzheng.charity import views

app_name = "charity"
urlpatterns = [
    path("", views.charity_list, name="charity_list"),
    path("recognise/", views.recognise, name="recognise"),
    path("<int:org_id>/", views.charity_detail, name="charity_detail"),
    path("<int:org_id>/projects/", views.project_add, name="project_add"),
    path("<int:org_id>/donations/", views.donation_add, name="donation_add"),
    path("<int:org_id>/expenditures/", views.expenditure_add, name="expenditure_add"),
    path("<int:org_id>/plans/", views.plan_add, name="plan_add"),
    path("<int:org_id>/financials/", views.financials_add, name="financials_add"),
    path("donations/", views.donation_list, name="donation_list"),
    path("donations/export/", views.donation_export, name="donation_export"),
    path("checks/", views.spending_checks, name="spending_checks"),
    path("checks/export/", views.spending_checks_export, name="spending_checks_export"),
    path("campaigns/", views.campaign_list, name="campaign_list"),
    path("trusts/", views.trust_list, name="trust_list"),
    path("trusts/add/", views.trust_add, name="trust_add"),
    path("disclosures/", views.disclosure_list, name="disclosure_list"),
    path("disclosures/<int:disclosure_id>/done/", views.disclosure_done, name="disclosure_done"),
]
