"""Reading the YAML files users edit (scenarios, taxonomies, configs, groups)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from warchest.errors import BadInputFile, WarchestError


def read_yaml(path: Path, what: str, error: type[WarchestError] = BadInputFile) -> Any:
    """The parsed content of a YAML file; an unreadable file, invalid YAML or an impossible
    date (YAML reads 2025-13-01 as a date) is one ``error`` naming ``what`` and the file."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path} is not valid YAML: {exc}") from None
    except ValueError as exc:
        raise error(f"{path}: a value is not a date like 2025-12-31 ({exc})") from None
