from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingRulesConfig(AppConfig):
    name = "routing_rules"
    verbose_name = _("Quy tắc chuyển xử lý")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from routing_rules.models import Category
        from routing_rules.selectors import category_cache_clear

        for signal in (post_save, post_delete):
            signal.connect(category_cache_clear, sender=Category, dispatch_uid="category-cache")
