from django.apps import AppConfig


class SuggestConfig(AppConfig):
    name = "suggest"
    verbose_name = "Gợi ý lĩnh vực"
