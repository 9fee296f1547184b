from django.apps import AppConfig


class CivilConfig(AppConfig):
    name = "minzheng.civil"
    label = "civil"
    verbose_name = "婚姻殡葬与一件事"
    default_auto_field = "django.db.models.BigAutoField"
