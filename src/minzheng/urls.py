from django.urls import include, path

from minzheng.accounts import views as accounts_views
from minzheng.accounts.audit_views import audit_log, audit_person_pick
from minzheng.api.api import api
from minzheng.api.views import api_client_access, api_client_scopes, api_clients
from minzheng.dashboard.home import home

urlpatterns = [
    path("", home, name="home"),
    path("audit/", audit_log, name="audit_log"),
    path("audit/person-pick/", audit_person_pick, name="audit_person_pick"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("system/api-clients/", api_clients, name="api_clients"),
    path("system/api-clients/<int:client_id>/access/", api_client_access, name="api_client_access"),
    path("system/api-clients/<int:client_id>/scopes/", api_client_scopes, name="api_client_scopes"),
    path("", include("minzheng.core.urls")),
    path("", include("minzheng.operations.urls")),
    path("", include("minzheng.accounts.urls")),
    path("registry/import/", include("minzheng.registry.import_urls")),
    path("registry/", include("minzheng.registry.urls")),
    path("assistance/", include("minzheng.assistance.urls")),
    path("applications/", include("minzheng.applications.urls")),
    path("portal/civil/", include("minzheng.civil.portal_urls")),
    path("portal/", include("minzheng.applications.portal_urls")),
    path("payments/", include("minzheng.payments.urls")),
    path("linkage/", include("minzheng.linkage.urls")),
    path("adoption/", include("minzheng.adoption.urls")),
    path("statistics/", include("minzheng.dashboard.urls")),
    path("system/dictionary/", include("minzheng.dictionary.urls")),
    path("verification/", include("minzheng.verification.urls")),
    path("monitoring/", include("minzheng.monitoring.urls")),
    path("medical/", include("minzheng.medical.urls")),
    path("civil/", include("minzheng.civil.urls")),
    path("api/v1/", api.urls),
]

handler403 = "minzheng.core.views.forbidden"
handler404 = "minzheng.core.views.not_found"
handler500 = "minzheng.core.views.server_error"

urlpatterns += [path("organisations/", include("minzheng.organisations.urls"))]
urlpatterns += [path("charity/", include("minzheng.charity.urls"))]
urlpatterns += [path("jobs/", include("minzheng.jobs.urls"))]
urlpatterns += [path("children/", include("minzheng.children.urls"))]
urlpatterns += [path("grievances/", include("minzheng.grievances.urls"))]
urlpatterns += [path("portal/grievances/", include("minzheng.grievances.portal_urls"))]
urlpatterns += [path("outreach/", include("minzheng.outreach.urls"))]
urlpatterns += [path("rescue/", include("minzheng.rescue.urls"))]
urlpatterns += [path("inkind/", include("minzheng.inkind.urls"))]
urlpatterns += [path("regions/", include("minzheng.regions.urls"))]
urlpatterns += [path("eldercare/", include("minzheng.eldercare.urls"))]
urlpatterns += [path("institutions/", include("minzheng.institutions.urls"))]
