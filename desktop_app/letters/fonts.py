"""The fonts every letter embeds: DejaVu Sans carries Polish and Cyrillic letters (the PDF base
fonts do not), shipped in resources/fonts with its licence."""

from __future__ import annotations

import functools

from reportlab import rl_config
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from resources import resource_path

REGULAR = "InkasoSans"
BOLD = "InkasoSans-Bold"


@functools.cache
def register() -> None:
    """Register the fonts with ReportLab once per process (a subset is embedded in each PDF)."""
    # Streams compressed but not ASCII85-wrapped: a quarter smaller, and no pass over every byte
    # to encode it (a batch of 500 letters spent a tenth of its time there). ReportLab keeps
    # this setting per process; Inkaso is its only user.
    rl_config.useA85 = 0
    pdfmetrics.registerFont(TTFont(REGULAR, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
