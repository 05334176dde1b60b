"""HTTP plumbing shared by every JSON answer."""

from django import http
from django.core.serializers.json import DjangoJSONEncoder

# Characters that mean markup to a client that pastes a message into HTML.
# Outside strings JSON has none of them, so replacing them everywhere only
# ever rewrites string contents, and every JSON parser reads them back as is.
_MARKUP_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


class JSONEncoder(DjangoJSONEncoder):
    """Django's encoder, with <, > and & written as \\u escapes, as
    django.utils.html.json_script does, so no echoed input is raw markup."""

    def encode(self, o):
        return super().encode(o).translate(_MARKUP_ESCAPES)

    def iterencode(self, o, _one_shot=False):
        for chunk in super().iterencode(o, _one_shot):
            yield chunk.translate(_MARKUP_ESCAPES)


class JsonResponse(http.JsonResponse):
    def __init__(self, data, encoder=JSONEncoder, **kwargs):
        super().__init__(data, encoder=encoder, **kwargs)
