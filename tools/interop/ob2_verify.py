"""Run 1EdTech's OB 2.0 validator (PyPI ``openbadges`` 1.1.2) offline (docs/standards.md#S-ob2-validator).

Usage (with the interpreter of the validator's own venv, see tests/interop/harness.py):

    python ob2_verify.py <contexts dir> <URL | file.jws | file.json | file.png | file.svg> [--recipient EMAIL]
        --map https://badges.test=http://127.0.0.1:PORT [--map ...]

Every HTTP request of the validator goes through one adapter: the OB v2/v1 contexts are answered from the
bundled files; a request to a mapped public origin goes to its loopback server the way a reverse proxy passes
it on (fragment dropped, the validator's own headers kept, `Host` and `X-Forwarded-Proto` set to the public
origin, the response seen under its public URL so that redirects map back through the same rule); anything
else is refused and reported.
Prints the report messages, then one JSON line {valid, errorCount, warningCount, messages, blocked, served}.
Exit 0 only when the report is valid with no error; 1 when invalid; 2 when the validator itself crashed.
"""

import collections
import collections.abc

# python-jose 3.0.1 and pytz 2017.2 still import these aliases, removed in Python 3.10
# (docs/standards.md#S-ob2-validator).
for _name in (
    "Mapping",
    "MutableMapping",
    "Iterable",
    "Sequence",
    "MutableSequence",
    "Callable",
    "Set",
    "MutableSet",
):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import traceback  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import requests  # noqa: E402
from requests.adapters import HTTPAdapter  # noqa: E402

CONTEXT_FILES = {
    "https://w3id.org/openbadges/v2": "ob-v2-context.json",
    "http://w3id.org/openbadges/v2": "ob-v2-context.json",
    "https://openbadgespec.org/v2/context.json": "ob-v2-context.json",
    "https://w3id.org/openbadges/v1": "ob-v1-context.json",
    "http://w3id.org/openbadges/v1": "ob-v1-context.json",
}
MAPS: dict[str, str] = {}  # public origin -> loopback origin
BLOCKED: list[str] = []
SERVED: list[str] = []


class OfflineAdapter(HTTPAdapter):
    """Answers known contexts from files, lets loopback through, refuses everything else."""

    contexts_dir = "."

    def send(self, request, **kwargs):
        url = request.url
        bare = url.split("#")[0]
        if bare in CONTEXT_FILES:
            SERVED.append(url)
            response = requests.Response()
            response.status_code = 200
            response.reason = "OK"
            response.url = url
            response.request = request
            with open(os.path.join(self.contexts_dir, CONTEXT_FILES[bare]), "rb") as fh:
                response._content = fh.read()
            response.headers["Content-Type"] = "application/ld+json"
            response.encoding = "utf-8"
            return response
        parts = urlsplit(bare)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in MAPS:
            BLOCKED.append(url)
            raise requests.ConnectionError("offline harness refused " + url)
        target = urlsplit(MAPS[origin])
        request.url = urlunsplit((target.scheme, target.netloc, parts.path, parts.query, ""))
        request.headers["Host"] = parts.netloc
        request.headers["X-Forwarded-Proto"] = parts.scheme
        response = super().send(request, **kwargs)
        response.url = bare
        SERVED.append(f"{bare} {response.status_code}")
        return response


def install_offline_adapter(contexts_dir):
    """Mount the adapter on every requests Session (images, nodes and keys use separate sessions)."""
    OfflineAdapter.contexts_dir = contexts_dir
    original_init = requests.Session.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        adapter = OfflineAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    requests.Session.__init__ = init


def read_input(value):
    if value.startswith(("http://", "https://")):
        return value  # hosted assertion: the URL
    if value.lower().endswith((".png", ".svg")):
        return open(value, "rb")  # baked image: a file object, unbaked by openbadges_bakery
    with open(value, encoding="utf-8") as fh:
        return fh.read().strip()  # compact JWS or assertion JSON


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contexts_dir")
    parser.add_argument("badge_input")
    parser.add_argument("--recipient", help="recipient email checked against the hashed identity")
    parser.add_argument("--map", action="append", default=[], help="PUBLIC_ORIGIN=LOOPBACK_ORIGIN")
    args = parser.parse_args(argv)
    for mapping in args.map:
        public, _, loopback = mapping.partition("=")
        MAPS[public.rstrip("/")] = loopback.rstrip("/")

    install_offline_adapter(args.contexts_dir)  # must run before importing openbadges
    from openbadges import verify

    recipient = {"email": args.recipient} if args.recipient else None
    try:
        result = verify(read_input(args.badge_input), recipient_profile=recipient, use_cache=False)
    except Exception:  # the validator is outside code: report its crash, never hide it
        traceback.print_exc()
        summary = {
            "valid": False,
            "errorCount": None,
            "warningCount": None,
            "messages": [],
            "blocked": sorted(set(BLOCKED)),
            "served": sorted(set(SERVED)),
            "crash": traceback.format_exc().strip().splitlines()[-1],
        }
        print(json.dumps(summary))
        return 2

    report = result["report"]
    messages = [
        {"level": m.get("messageLevel"), "name": m.get("name"), "result": m.get("result")}
        for m in report.get("messages", [])
    ]
    for m in messages:
        print(f"  [{m['level']}] {m['name']}: {m['result']}")
    valid = bool(report.get("valid")) and report.get("errorCount") == 0
    print(
        "errorCount",
        report.get("errorCount"),
        "warningCount",
        report.get("warningCount"),
        "VALID" if valid else "INVALID",
    )
    print("served:", sorted(set(SERVED)), "BLOCKED:", sorted(set(BLOCKED)))
    summary = {
        "valid": valid,
        "errorCount": report.get("errorCount"),
        "warningCount": report.get("warningCount"),
        "messages": messages,
        "blocked": sorted(set(BLOCKED)),
        "served": sorted(set(SERVED)),
    }
    print(json.dumps(summary))
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
