"""The web catalogue: Starlette + Jinja2, Dutch interface (PRODUCT §4)."""
