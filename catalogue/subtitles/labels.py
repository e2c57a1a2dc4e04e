"""What a viewer reads about a subtitle track: its language in Dutch, and whether a machine made it
and no person has reviewed it yet (PRODUCT §4: the player's track label says so)."""

from __future__ import annotations

MACHINE_MADE_LABEL = "automatisch, niet nagekeken"  # in the label of a track no person has reviewed yet
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "Engels", "fr": "Frans", "de": "Duits", "ar": "Arabisch",
                  "tr": "Turks", "es": "Spaans", "uk": "Oekraïens", "ru": "Russisch"}


def language_name(lang: str) -> str:
    """The language's Dutch name (`nl` -> Nederlands); the code itself when we have no name for it."""
    return LANGUAGE_NAMES.get(lang, lang)


def track_label(lang: str, machine_made: bool) -> str:
    """The player's label of a track: `Nederlands`, or `Nederlands (automatisch, niet nagekeken)`."""
    name = language_name(lang)
    return f"{name} ({MACHINE_MADE_LABEL})" if machine_made else name
