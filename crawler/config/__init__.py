"""Every file a person edits: the sources, the needs inventory, the settings.

Each is read through one YAML reader and validated on load; every mistake is a `ConfigError` of
one line that names the file, the entry and the field, and nothing runs on a half-valid file.
"""

from crawler.config.files import (
    DEFAULT_NEEDS,
    DEFAULT_SETTINGS,
    DEFAULT_SOURCES,
    PACKAGED,
    REPO_ROOT,
    ConfigError,
    config_dir,
    default_file,
    read_yaml,
)
from crawler.config.sources import (
    CrawlerSettings,
    Source,
    SourcesConfig,
    is_http_url,
    known_spiders,
    load_sources,
)

__all__ = [
    "DEFAULT_NEEDS",
    "DEFAULT_SETTINGS",
    "DEFAULT_SOURCES",
    "PACKAGED",
    "REPO_ROOT",
    "ConfigError",
    "CrawlerSettings",
    "Source",
    "SourcesConfig",
    "is_http_url",
    "config_dir",
    "default_file",
    "known_spiders",
    "load_sources",
    "read_yaml",
]
