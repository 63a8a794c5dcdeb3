"""The package version, in one place (read by the CLI, the API, charts and exports)."""

__version__ = "0.1.0"
