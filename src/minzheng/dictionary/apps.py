from django.apps import AppConfig


class DictionaryConfig(AppConfig):
    name = "minzheng.dictionary"
    label = "dictionary"
    verbose_name = "字典"
