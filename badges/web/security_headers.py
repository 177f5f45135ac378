"""Headers every response carries: a strict Content-Security-Policy on HTML pages, nosniff, Referrer-Policy.

The pages load their scripts, styles and images from this site only, with no inline script or style
attribute, so an injected `<script>` or `style=` does nothing. `data:` images are the QR codes;
`form-action 'self'` keeps a form from posting elsewhere, `frame-ancestors 'none'` prevents framing.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def add_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        _default(response, "Content-Security-Policy", CONTENT_SECURITY_POLICY)
    _default(response, "X-Content-Type-Options", "nosniff")
    # Another site sees at most our origin, never a path (private links carry a token in theirs).
    _default(response, "Referrer-Policy", "same-origin")
    return response


def _default(response: Response, name: str, value: str) -> None:
    # Not Headers.setdefault: it builds and catches a BadRequestKeyError for each header not yet set.
    if name not in response.headers:
        response.headers[name] = value


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
