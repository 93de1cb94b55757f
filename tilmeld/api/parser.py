"""The API's JSON parser: ninja's, refusing what no database can store. A JSON string may
escape a lone UTF-16 surrogate ("\\ud800"), which Python reads but cannot encode to UTF-8:
stored, it would fail in the database driver (a 500). Refused here, it is a 400."""

import json

from ninja.parser import Parser


class StrictJSON(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        json.dumps(data, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError: a surrogate
        return data
