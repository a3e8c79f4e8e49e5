"""The web application and REST API (``warchest serve``): ``create_app`` over a store, the
API keys, the deal jobs, the dashboard pages."""

from warchest.web.app import WebSettings, create_app
from warchest.web.keys import (
    ApiKey,
    create_api_key,
    keys_path,
    list_api_keys,
    revoke_api_key,
)

__all__ = ["ApiKey", "WebSettings", "create_api_key", "create_app", "keys_path",
           "list_api_keys", "revoke_api_key"]
