"""Run the outside Open Badges validators offline (docs/standards.md#S-validators) for the interop tests.

The tools live outside the project's runtime dependencies: the JS verifiers in ``tools/interop/node_modules``
(``npm ci`` from the committed lock file) and 1EdTech's OB 2.0 validator in its own venv under
``.cache/interop/venv-ob2``. Both are set up on first use, serialised by a file lock so that parallel test
runs do not collide. Skip policy (docs/standards.md#S-validators): CI never skips; locally a skip is allowed
only when a package registry cannot be reached, and the skip message says so. Every other setup failure fails
the test.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from tests.interop.network import Network

REPO_ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = REPO_ROOT / "tools" / "interop"
CONTEXTS_DIR = REPO_ROOT / "badges" / "data" / "contexts"
CACHE_DIR = REPO_ROOT / ".cache" / "interop"
OB2_VENV = CACHE_DIR / "venv-ob2"

RUN_TIMEOUT = 60  # seconds per validator run
# Seconds per setup command (npm ci, venv, pip install); below pytest-timeout's 300 s so that a stuck
# install fails with its own output instead of a thread dump.
INSTALL_TIMEOUT = 240

# 1EdTech's OB 2.0 validator and its whole dependency closure, pinned and installed with --no-deps
# (docs/standards.md#S-ob2-validator).
# openbadges 1.1.2 pins pycryptodome==3.6.6, Python-2-only source (SyntaxError on import, and it needs a C
# compiler to build); a modern pycryptodome replaces it. Pinning the closure makes the venv reproducible and
# avoids that build. Do not upgrade python-jose: >= 3.2 dropped the pycryptodome backend openbadges uses.
# Five of them are sdists only (future, language-tags, pydux, PyLD, validators): they are built without
# build isolation by this pinned setuptools, so a future setuptools release cannot break the build.
OB2_BUILD_REQUIREMENTS = ("setuptools==84.2.1",)
OB2_REQUIREMENTS = (
    "openbadges==1.1.2",
    "openbadges-bakery==1.2.4",
    "aniso8601==10.0.1",
    "certifi==2026.10.18",
    "charset-normalizer==3.5.2",
    "click==6.7",
    "decorator==5.3.1",
    "defusedxml==0.7.1",
    "ecdsa==0.19.2",
    "future==0.16.0",
    "idna==3.20",
    "jsonschema==2.6.0",
    "language-tags==0.4.3",
    "pyasn1==0.6.5",
    "pycryptodome==4.4.0",
    "pydux==0.2.2",
    "PyLD==0.7.1",
    "pypng==0.20220715.0",
    "python-jose==3.0.1",
    "python-mimeparse==1.6.0",
    "pytz==2017.2",
    "requests==2.34.2",
    "requests-cache==0.4.13",
    "rfc3986==0.4.1",
    "rsa==4.9.1",
    "six==1.17.0",
    "urllib3==2.8.0",
    "validators==0.11.2",
)
# Imports the validator with the same collections shim as ob2_verify.py, and the crypto backend it needs.
OB2_SMOKE_TEST = (
    "import collections, collections.abc\n"
    "for n in ('Mapping', 'MutableMapping', 'Iterable', 'Sequence', 'MutableSequence', 'Callable', 'Set',"
    " 'MutableSet'):\n"
    "    hasattr(collections, n) or setattr(collections, n, getattr(collections.abc, n))\n"
    "import Crypto.PublicKey.RSA, jose.jws, openbadges, openbadges_bakery\n"
    "from openbadges import verify\n"
)

# Output fragments of pip / npm that mean the registry could not be reached (and nothing else).
_NETWORK_MARKERS = re.compile(
    r"NewConnectionError|Failed to establish a new connection|Temporary failure in name resolution"
    r"|Name or service not known|nodename nor servname|Max retries exceeded|ConnectTimeoutError"
    r"|ReadTimeoutError|ProxyError|Network is unreachable|No route to host|Connection refused"
    r"|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH"
    r"|network request to .* failed|request to https?://\S+ failed|connection error:",
)

_ready: dict[str, Path] = {}


class InteropSetupError(RuntimeError):
    """An outside validator could not be installed for a reason other than an unreachable registry."""


class InteropToolError(RuntimeError):
    """An outside validator crashed, timed out or printed no report: neither a pass nor a rejection."""


@dataclass
class ValidatorResult:
    """Outcome of one validator run: ``ok`` is the tool's own acceptance rule, ``report`` its JSON summary."""

    ok: bool
    report: dict[str, Any] = field(default_factory=dict)
    output: str = ""

    def __str__(self) -> str:
        return self.output


# ---------------------------------------------------------------------------------------------- setup


@contextlib.contextmanager
def _file_lock(name: str) -> Iterator[None]:
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with open(CACHE_DIR / f"{name}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _setup_failed(what: str, output: str, log: str = "") -> NoReturn:
    """Skip (locally, registry unreachable) or fail (everything else, and always in CI).

    ``log`` is extra evidence searched for network errors only (pip's debug log: with --retries 0 pip prints
    just "No matching distribution found", the connection error is in the log).
    """
    evidence = next(
        (line for line in (output + "\n" + log).splitlines() if _NETWORK_MARKERS.search(line)), None
    )
    if evidence and not _in_ci():
        import pytest

        pytest.skip(f"{what}: package registry unreachable: {evidence.strip()[:300]} (CI never skips this)")
    tail = "\n".join(output.strip().splitlines()[-40:])
    raise InteropSetupError(f"{what} failed:\n{tail}")


def _text(value: str | bytes | None) -> str:
    """TimeoutExpired carries bytes even when the run was started with text=True."""
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value or ""


def _run_install(what: str, cmd: list[str], cwd: Path | None = None, log_file: Path | None = None) -> None:
    try:
        proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        _setup_failed(what, f"timed out after {INSTALL_TIMEOUT} s\n{_text(exc.stdout)}{_text(exc.stderr)}")
    if proc.returncode != 0:
        log = log_file.read_text(errors="replace") if log_file and log_file.exists() else ""
        see_log = f"\n(full log: {log_file})" if log else ""
        _setup_failed(what, f"$ {' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}{see_log}", log)


def _require_executable(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise InteropSetupError(f"`{name}` is not on PATH; the interop tests need Node 20+ and npm")
    return path


def ensure_node_tools() -> Path:
    """Install tools/interop/node_modules with ``npm ci`` when missing or older than package-lock.json."""
    if "node" in _ready:
        return _ready["node"]
    _require_executable("node")
    npm = _require_executable("npm")
    lock = TOOLS_DIR / "package-lock.json"
    stamp = TOOLS_DIR / "node_modules" / ".package-lock.json"  # written by npm at the end of an install
    with _file_lock("npm"):
        if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime:
            # --ignore-scripts: nothing here needs an install script (core-js only prints a banner).
            cmd = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
            _run_install("npm ci in tools/interop", cmd, cwd=TOOLS_DIR)
            stamp.touch()
    _ready["node"] = TOOLS_DIR
    return TOOLS_DIR


def _ob2_python() -> Path:
    return OB2_VENV / "bin" / "python"


def _ob2_fingerprint() -> str:
    recipe = "\n".join((sys.version, *OB2_BUILD_REQUIREMENTS, *OB2_REQUIREMENTS, OB2_SMOKE_TEST))
    return hashlib.sha256(recipe.encode()).hexdigest()


def ensure_ob2_venv() -> Path:
    """Create .cache/interop/venv-ob2 with 1EdTech's OB 2.0 validator; return its python."""
    if "ob2" in _ready:
        return _ready["ob2"]
    stamp = OB2_VENV / ".harness-complete"
    fingerprint = _ob2_fingerprint()
    with _file_lock("venv-ob2"):
        if not (stamp.exists() and stamp.read_text() == fingerprint and _ob2_python().exists()):
            shutil.rmtree(OB2_VENV, ignore_errors=True)
            _run_install("python -m venv", [sys.executable, "-m", "venv", str(OB2_VENV)])
            log_file = CACHE_DIR / "venv-ob2-pip.log"
            log_file.unlink(missing_ok=True)
            pip = [str(_ob2_python()), "-m", "pip", "--disable-pip-version-check", "--no-input"]
            install = [*pip, "install", "--log", str(log_file), "--no-deps"]
            _run_install(
                "pip install of the build backend", [*install, *OB2_BUILD_REQUIREMENTS], log_file=log_file
            )
            install.append("--no-build-isolation")
            _run_install(
                "pip install of the OB 2.0 validator", [*install, *OB2_REQUIREMENTS], log_file=log_file
            )
            _run_install("import check of the OB 2.0 validator", [str(_ob2_python()), "-c", OB2_SMOKE_TEST])
            stamp.write_text(fingerprint)
    _ready["ob2"] = _ob2_python()
    return _ready["ob2"]


# ---------------------------------------------------------------------------------------------- runs


def _run_tool(cmd: list[str], ok_codes: tuple[int, ...] = (0,)) -> ValidatorResult:
    """Run a validator; exit 0 = accepted, 1 = rejected, anything else (or no JSON report) raises."""
    try:
        proc = subprocess.run(cmd, cwd=TOOLS_DIR, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        output = f"{_text(exc.stdout)}{_text(exc.stderr)}"
        raise InteropToolError(f"timed out after {RUN_TIMEOUT} s: {' '.join(cmd)}\n{output}") from exc
    output = f"$ {' '.join(cmd)}\n{proc.stdout}{proc.stderr}"
    report = _last_json_line(proc.stdout)
    if report is None or proc.returncode not in (0, 1):
        raise InteropToolError(f"validator crashed (exit {proc.returncode}):\n{output}")
    return ValidatorResult(ok=proc.returncode in ok_codes, report=report, output=output)


def _last_json_line(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def _write_json(folder: Path, name: str, value: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def _node(script: str, *args: str | Path) -> ValidatorResult:
    tools = ensure_node_tools()
    return _run_tool([_require_executable("node"), str(tools / script), *map(str, args)])


def ob3_verify_di(credential: dict, network: Network) -> ValidatorResult:
    """Digital Bazaar (docs/standards.md#S-js-verifiers): ok when the eddsa-rdfc-2022 proof verifies and no
    status bit is set.

    Keys, controller documents and status lists are fetched over HTTP from the servers ``network`` maps.
    """
    with tempfile.TemporaryDirectory(prefix="verify-di-") as tmp:
        credential_file = _write_json(Path(tmp), "credential.json", credential)
        result = _node("verify_di.mjs", credential_file, CONTEXTS_DIR, *network.args())
    result.ok = result.ok and result.report.get("verified") is True and result.report.get("revoked") is False
    return result


def ob3_verifier_core(credential: dict, network: Network) -> ValidatorResult:
    """DCC verifier-core (docs/standards.md#S-js-verifiers): ok by the README's acceptance rule
    (``report["accepted"]``).

    Everything but the bundled OB 3.0 JSON Schema is fetched over HTTP from the servers ``network`` maps.
    """
    with tempfile.TemporaryDirectory(prefix="verifier-core-") as tmp:
        credential_file = _write_json(Path(tmp), "credential.json", credential)
        result = _node("verifier_core.mjs", credential_file, *network.args())
    result.ok = result.ok and result.report.get("accepted") is True
    return result


def ob3_verify_jwt(token: str, network: Network) -> ValidatorResult:
    """jose (docs/standards.md#S-jose-verifier): ok when the OB 3.0 header rules, the signature and the claim
    rules all pass.

    The key is the token's `jwk`, or what its `kid` URL serves, fetched over HTTP through ``network``.
    """
    with tempfile.TemporaryDirectory(prefix="verify-jwt-") as tmp:
        token_file = Path(tmp) / "credential.jwt"
        token_file.write_text(token.strip(), encoding="ascii")
        result = _node("verify_jwt.mjs", token_file, *network.args())
    result.ok = result.ok and result.report.get("valid") is True
    return result


def oid4vci_wallet(
    offer_link: str, configuration: str, network: Network, *, tx_code: str | None = None, mode: str = "ok"
) -> ValidatorResult:
    """Sphereon's OpenID4VCI client (tools/interop/oid4vci_wallet.mjs) playing the wallet over HTTP: ok when
    the run ends as ``mode`` expects (``ok``: a credential received; ``replay``: the second use of the code
    refused with invalid_grant; ``bad-proof``: the key proof refused with invalid_proof)."""
    args = [offer_link, "--configuration", configuration, "--mode", mode]
    if tx_code is not None:
        args += ["--tx-code", tx_code]
    return _node("oid4vci_wallet.mjs", *args, *network.args())


_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+$")


def ob2_validate(
    badge_input: str | Path, network: Network, recipient_email: str | None = None
) -> ValidatorResult:
    """1EdTech OB 2.0 validator (docs/standards.md#S-ob2-validator): ok when the report is valid with no
    error.

    ``badge_input``: a hosted assertion URL (of an origin ``network`` maps), a path to a JWS/JSON text file or
    to a baked .png/.svg, or the compact JWS / assertion JSON text itself.
    """
    python = ensure_ob2_venv()
    with tempfile.TemporaryDirectory(prefix="ob2-") as tmp:
        target = _ob2_target(badge_input, Path(tmp))
        cmd = [str(python), str(TOOLS_DIR / "ob2_verify.py"), str(CONTEXTS_DIR), target, *network.args()]
        if recipient_email is not None:
            cmd += ["--recipient", recipient_email]
        result = _run_tool(cmd)
    result.ok = result.ok and result.report.get("valid") is True and result.report.get("errorCount") == 0
    return result


def _ob2_target(badge_input: str | Path, tmp: Path) -> str:
    if isinstance(badge_input, Path):
        return str(badge_input.resolve(strict=True))
    text = badge_input.strip()
    if text.startswith(("http://", "https://")):
        return text
    if text.startswith("{") or _COMPACT_JWS.match(text):
        path = tmp / ("assertion.json" if text.startswith("{") else "assertion.jws")
        path.write_text(text, encoding="utf-8")
        return str(path)
    return str(Path(text).resolve(strict=True))


def lcw_wallet(
    link: str,
    network: Network,
    *,
    suite: str = "Ed25519Signature2020",
    tamper: str | None = None,
    replay: bool = False,
) -> ValidatorResult:
    """The Learner Credential Wallet's exchange played by the Digital Bazaar stack (tools/interop/
    lcw_wallet.mjs) against the live server: ok when a credential came back (``report["credential"]``,
    the wallet's ``report["did"]``, every HTTP step in ``report["steps"]``)."""
    options = ["--suite", suite]
    if tamper is not None:
        options += ["--tamper", tamper]
    if replay:
        options += ["--replay", "yes"]
    return _node("lcw_wallet.mjs", link, CONTEXTS_DIR, *options, *network.args())
