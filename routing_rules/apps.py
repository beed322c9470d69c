from django.apps import AppConfig


class RoutingRulesConfig(AppConfig):
    name = "routing_rules"
    verbose_name = "Quy tắc chuyển xử lý"
