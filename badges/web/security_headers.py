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
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    # Another site sees at most our origin, never a path (private links carry a token in theirs).
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
