"""The editors' studio: a local app (its own Starlette app, not the public site) for making clips
from what is said in a film and reviewing its captions. Run by `catalogue studio`."""
