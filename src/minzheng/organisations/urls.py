from __future__ import annotations

from django.urls import path

from minzheng.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("export/", views.organisation_export, name="organisation_export"),
    path("<int:org_id>/", views.organisation_detail, name="organisation_detail"),
    path("<int:org_id>/certificate/", views.certificate_pdf, name="certificate"),
    path(
        "<int:org_id>/legal-representative/",
        views.legal_representative,
        name="legal_representative",
    ),
    path("<int:org_id>/supervision/", views.supervision, name="supervision"),
    path("<int:org_id>/apply/", views.organisation_apply, name="organisation_apply"),
    path("<int:org_id>/annual/", views.annual_file, name="annual_file"),
    path("<int:org_id>/credit/", views.credit_add, name="credit_add"),
    path("<int:org_id>/rating/", views.rating_award, name="rating_award"),
    path("<int:org_id>/fees/", views.fee_inspection_add, name="fee_inspection_add"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<int:app_id>/", views.application_detail, name="application_detail"),
    path("applications/<int:app_id>/review/", views.application_review, name="application_review"),
    path("applications/<int:app_id>/decide/", views.application_decide, name="application_decide"),
    path("annual/", views.annual_list, name="annual_list"),
    path("annual/export/", views.annual_export, name="annual_export"),
    path("annual/<int:report_id>/supervisor/", views.annual_supervisor, name="annual_supervisor"),
    path("annual/<int:report_id>/review/", views.annual_review, name="annual_review"),
    path("credit/", views.credit_list, name="credit_list"),
    path("credit/export/", views.credit_export, name="credit_export"),
    path("credit/escalate/", views.credit_escalate, name="credit_escalate"),
    path("credit/<int:listing_id>/objection/", views.credit_objection, name="credit_objection"),
    path("credit/<int:listing_id>/remove/", views.credit_remove, name="credit_remove"),
    path("expiry/", views.expiry_list, name="expiry_list"),
    path("fees/", views.fee_inspection_list, name="fee_inspection_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("public/credit/", views.public_credit, name="public_credit"),
    path("public/<str:credit_code>/", views.public_detail, name="public_detail"),
]
