from django.urls import include, path

from minzheng.accounts import views as accounts_views
from minzheng.accounts.home import home
from minzheng.api.api import api
from minzheng.api.views import api_clients

urlpatterns = [
    path("", home, name="home"),
    path("login/", accounts_views.login_view, name="login"),
    path("logout/", accounts_views.logout_view, name="logout"),
    path("system/api-clients/", api_clients, name="api_clients"),
    path("", include("minzheng.core.urls")),
    path("", include("minzheng.accounts.urls")),
    path("registry/import/", include("minzheng.registry.import_urls")),
    path("registry/", include("minzheng.registry.urls")),
    path("assistance/", include("minzheng.assistance.urls")),
    path("applications/", include("minzheng.applications.urls")),
    path("portal/civil/", include("minzheng.civil.portal_urls")),
    path("portal/", include("minzheng.applications.portal_urls")),
    path("payments/", include("minzheng.payments.urls")),
    path("linkage/", include("minzheng.linkage.urls")),
    path("civil/", include("minzheng.civil.urls")),
    path("api/v1/", api.urls),
]

handler403 = "minzheng.core.views.forbidden"
handler404 = "minzheng.core.views.not_found"
handler500 = "minzheng.core.views.server_error"
