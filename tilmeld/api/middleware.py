"""The API speaks the client's language (Accept-Language: da or en). The site's pages take theirs
from the URL (/en/…), and a path without a prefix is Danish; the API has one path for both."""

from django.utils import translation

PREFIX = "/api/"


class ApiLanguageMiddleware:
    """After LocaleMiddleware: on /api/ paths, the language from Accept-Language instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PREFIX):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
