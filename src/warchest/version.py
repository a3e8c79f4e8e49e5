"""The package version (kept apart so that every module can import it cheaply)."""

__version__ = "0.1.0"
