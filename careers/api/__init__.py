"""
The open, read-only JSON API (docs/api.md), with its OpenAPI document.

Plain Django views: a handful of GET endpoints need no framework. base holds
what every answer gets (JSON errors, CORS, caching, ETags, allowed methods),
views the endpoints, serializers their bodies, and schemas and openapi the
document that describes them. Unlike the HTML directory, which cleans bad
input to a default, the API answers 400 so a client learns its mistake.
"""
