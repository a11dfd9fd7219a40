"""Every operation the SDK generates is exercised by the tests of this folder, in all four forms."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import yaml

import linkvault_client.api
import linkvault_client.models
import support.sdk


SPEC_PATH = Path(__file__).resolve().parents[3] / "openapi" / "openapi.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_every_operation_is_exercised_sync_and_async() -> None:
    """Each operation module the SDK generates from the spec is called in all four forms, by the tests
    of this folder or by their helpers in ``support.sdk``."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    spec_operations = [method for item in spec["paths"].values() for method in item if method in HTTP_METHODS]
    sdk_operations = [
        module.name.rsplit(".", 1)[1]
        for module in pkgutil.walk_packages(linkvault_client.api.__path__, "linkvault_client.api.")
        if not module.ispkg
    ]
    assert len(sdk_operations) == len(spec_operations)

    sources = [*sorted(Path(__file__).parent.glob("test_*.py")), Path(support.sdk.__file__)]
    source = "\n".join(path.read_text() for path in sources)
    missing = [
        f"{operation}.{form}"
        for operation in sdk_operations
        for form in ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
        if not re.search(rf"\b{operation}\.{form}\(", source)
    ]
    assert missing == []


SDK_CONFIG_PATH = SPEC_PATH.with_name("sdk-config.yaml")
# Readable: the longest name a hand-written client would give one of these classes.
LONGEST_CLASS_NAME = 40


def test_every_model_has_a_readable_name() -> None:
    """No model class carries a name the generator derived from an operation id (an inline schema of a
    seed), and each ``class_overrides`` entry renames a class that exists: a key the spec no longer
    produces would silently stop applying."""
    overrides = yaml.safe_load(SDK_CONFIG_PATH.read_text())["class_overrides"]
    names = set(linkvault_client.models.__all__)

    assert {override["class_name"] for override in overrides.values()} <= names
    assert not set(overrides) & names
    assert [name for name in sorted(names) if len(name) > LONGEST_CLASS_NAME or "Response" in name] == []
