from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tilmeld.demo"
    label = "demo"
    verbose_name = "Demo"
