"""catalogue: the media catalogue for the film *Van buddy tot community*."""

__version__ = "0.1.0"
