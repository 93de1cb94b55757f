"""The API speaks the client's language: Accept-Language (da or en), Danish by default.

Django's LocaleMiddleware gives every path outside i18n_patterns the default language when the
default has no prefix (prefix_default_language=False), so /api/ would always answer in Danish.
This middleware, after it, picks the language from the request's header for /api/ only."""

from django.utils import translation


class ApiLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
