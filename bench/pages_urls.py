"""The site's URLs and bench.bare's constant-response view, served by one server."""

from django.urls import path

from bench import bare
from tilmeld.urls import urlpatterns as site

urlpatterns = [path("bench/constant/", bare.constant), *site]
