import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minzheng.settings")
django_application = get_wsgi_application()

from minzheng.medical.fastpath import SettlementFastPath  # noqa: E402  (after Django is set up)

# Hospitals' settlement calls take a lean entry in front of the middleware (docs/medical.md).
application = SettlementFastPath(django_application)
