"""kpdesk's core: report kinds, drafts, validation, the store and rendering, without Qt (see docs/architecture.md)."""

from kpdesk import caching

caching.install()  # before any of kpdesk's dataclasses is made: their methods are compiled once, not at every start
