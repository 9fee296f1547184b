from django.urls import path

from minzheng.payments import (
    account_change_views,
    backpay_views,
    provider_views,
    roll_views,
    views,
)

app_name = "payments"
urlpatterns = [
    path("rolls/", roll_views.roll_list, name="roll_list"),
    path("rolls/generate/", roll_views.roll_generate, name="roll_generate"),
    path("rolls/<int:roll_id>/", roll_views.roll_detail, name="roll_detail"),
    path("rolls/<int:roll_id>/changes/", roll_views.roll_changes, name="roll_changes"),
    path("rolls/<int:roll_id>/approve/", roll_views.roll_approve, name="roll_approve"),
    path("rolls/<int:roll_id>/send-back/", roll_views.roll_send_back, name="roll_send_back"),
    path("rolls/<int:roll_id>/export/", roll_views.roll_export, name="roll_export"),
    path(
        "bank-files/<int:file_id>/download/",
        roll_views.bank_file_download,
        name="bank_file_download",
    ),
    path("reports/", views.reports, name="reports"),
    path("history/<int:person_id>/", views.payee_history, name="payee_history"),
    path("persons/<int:person_id>/history/", views.payee_history, name="person_history"),
    path("back-pays/", backpay_views.back_pays, name="back_pays"),
    path("back-pays/new/<int:person_id>/", backpay_views.back_pay_new, name="back_pay_new"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/<int:line_id>/account/", views.correct_account, name="correct_account"),
    path("exceptions/reissue/", views.reissue, name="reissue"),
    path("bank-files/", views.bank_files, name="bank_files"),
    path("providers/", provider_views.provider_accounts, name="provider_accounts"),
    path("bank-files/<int:file_id>/", views.bank_file, name="bank_file"),
    path("temporary/", views.temporary_cases, name="temporary_cases"),
    path("temporary/<int:case_id>/decide/", views.temporary_case_decide, name="temporary_decide"),
    path("templates/", views.bank_templates, name="bank_templates"),
    path("templates/new/", views.bank_template_edit, name="bank_template_new"),
    path("templates/<int:template_id>/", views.bank_template_edit, name="bank_template_edit"),
    path(
        "templates/<int:template_id>/codes/", views.bank_template_codes, name="bank_template_codes"
    ),
    path("price-indices/", views.price_indices, name="price_indices"),
    path("account-changes/", account_change_views.account_changes, name="account_changes"),
    path(
        "account-changes/new/<int:person_id>/",
        account_change_views.account_change_new,
        name="account_change_new",
    ),
    path(
        "account-changes/<int:change_id>/decide/",
        account_change_views.account_change_decide,
        name="account_change_decide",
    ),
]
