"""Log records never carry a manage link's secret: it would let anyone reading logs act as the
participant. Django logs the path of every 4xx response, and the manage pages answer 409/410/422."""

import logging
import re

SECRET_PATH = re.compile(r"/(tilmelding|registration|booking)/[A-Za-z0-9_-]{16,}/")


def _mask(value):
    return SECRET_PATH.sub(r"/\1/…/", value) if isinstance(value, str) else value


class HideSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _mask(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask(arg) for arg in record.args)
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request_path = _mask(request.path)
        return True
