"""The docs say what the code does: the error codes, the spec's refinements, and links that lead somewhere."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import yaml

from linkvault import errors, middleware
from linkvault.api import _problems, auth_service_v_2
from linkvault.engine import linking, tokens

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def between(text: str, name: str) -> str:
    found = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert found is not None, f"the {name} markers are gone"
    return found.group(1)


def _subclasses(cls: type[errors.LinkvaultError]) -> list[type[errors.LinkvaultError]]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def _status(cls: type[errors.LinkvaultError]) -> int | None:
    return next((_problems._STATUS[base] for base in cls.__mro__ if base in _problems._STATUS), None)


def answered_codes() -> dict[str, set[int]]:
    """Every ``code`` an answer can carry, with the statuses it comes with."""
    codes: dict[str, set[int]] = {}

    def add(code: str, status: int) -> None:
        codes.setdefault(code, set()).add(status)

    for cls in _subclasses(errors.LinkvaultError):
        status = _status(cls)
        if status is None:  # never answered (it stops the process instead), or a 500 without a code
            continue
        if "code" in inspect.signature(cls.__init__).parameters:  # the code is the provider's own
            continue
        add(cls.code, status)
    # A provider's redirect error: a standard code, or provider_error (RFC 6749 §4.1.2.1).
    for code in (*linking._PROVIDER_ERRORS, "provider_error"):
        add(code, _status(errors.ProviderDenied) or 0)
    # The token endpoint's refusal of a grant (RFC 6749 §5.2).
    for code in tokens._GRANT_ERRORS:
        add(code, _status(errors.TokenRequestRejected) or 0)
    # The refusals the API layer answers itself (authentication, routing, media types, body size).
    for status, code in _problems._FRAMEWORK_CODES.items():
        add(code, status)
    for status, code in re.findall(r'return (\d{3}), "([a-z_]+)"', inspect.getsource(_problems)):
        add(code, int(status))
    # The bounds on a request's size, checked before it is parsed (linkvault.middleware).
    for code, status in _problems._LIMIT_STATUS.items():
        add(code, status)
    # Credentials refused although a valid key may be among them (two keys, another tenant's id).
    for module in (middleware, auth_service_v_2):
        for code in re.findall(r'CredentialsRefused\(\s*"([a-z_]+)"', inspect.getsource(module)):
            add(code, 401)
    return codes


def documented_codes() -> dict[str, set[int]]:
    table = between((DOCS / "operations.md").read_text(), "error-codes")
    rows = [line.split(" | ") for line in table.splitlines()[2:]]
    documented: dict[str, set[int]] = {}
    for row in rows:
        statuses = {int(status) for status in re.findall(r"\d{3}", row[1])}
        for code in re.findall(r"`([a-z_]+)`", row[0]):
            assert code not in documented, f"{code} has two rows"
            documented[code] = statuses
    return documented


def test_every_error_code_is_documented_with_its_status() -> None:
    """docs/operations.md's table lists exactly the codes linkvault answers, each with its statuses: a
    new error class, provider code or framework refusal fails here until it is documented."""
    answered, documented = answered_codes(), documented_codes()

    assert sorted(set(answered) - set(documented)) == [], "codes missing from docs/operations.md"
    assert sorted(set(documented) - set(answered)) == [], "docs/operations.md lists codes nothing answers"
    assert {code: statuses for code, statuses in documented.items() if answered[code] != statuses} == {}
    assert {"unauthorized", "body_too_large", "needs_reauth", "access_denied", "invalid_grant"} <= set(
        answered
    )


def test_the_api_docs_carry_the_specs_refinements() -> None:
    description = yaml.safe_load((ROOT / "openapi" / "openapi.yaml").read_text())["info"]["description"]
    found = re.search(r"Compatible refinements of the seeds:\n(.*?)\n\n", description, re.S)
    assert found is not None

    assert between((DOCS / "api.md").read_text(), "refinements") == found.group(1) + "\n", (
        "docs/api.md's refinements are not the spec's: run `nox -s docs`"
    )


_LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lowercased, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S), re.M)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_every_relative_link_leads_somewhere() -> None:
    pages = [ROOT / "README.md", ROOT / "SECURITY.md", ROOT / "sdk" / "README.md", *sorted(DOCS.glob("*.md"))]
    broken = []
    for page in pages:
        for target in _LINK.findall(page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (page.parent / path).resolve() if path else page
            if not resolved.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
            elif anchor and (resolved.suffix != ".md" or anchor not in _anchors(resolved.read_text())):
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []
