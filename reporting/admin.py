"""Django admin of reporting: each part registers its own models."""

from reporting.exports import admin as exports_admin  # noqa: F401 -- registers its models
