"""HTML reports as PDF, printed by a headless Chromium (the browser a user already has, or
Debian's ``chromium``): the page's print styles decide the layout (A4 landscape, tables
fitted to the page width, so every column prints)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from warchest.errors import CannotWrite, InputError, NotFound

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
QUIET = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--no-pdf-header-footer")


def find_browser() -> str:
    """The Chromium to print with: ``$WARCHEST_CHROMIUM``, else the first of
    :data:`BROWSERS` on the PATH."""
    chosen = os.environ.get("WARCHEST_CHROMIUM")
    if chosen:
        if not Path(chosen).is_file():
            raise NotFound(f"WARCHEST_CHROMIUM={chosen!r} is not a file; point it at a "
                           "Chromium or Chrome executable")
        return chosen
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise NotFound("no Chromium to print the PDF with: install one (Debian: apt-get install "
                   "chromium) or set WARCHEST_CHROMIUM to its path; the HTML report prints "
                   "the same from any browser")


def print_pdf(html: Path, pdf: Path, timeout_s: float = 180.0) -> Path:
    """Print the HTML file ``html`` to ``pdf`` with a headless Chromium; returns ``pdf``."""
    if pdf.suffix.lower() != ".pdf":
        raise InputError(f"{pdf.name!r}: give the PDF output a .pdf name")
    if not html.is_file():
        raise NotFound(f"no HTML file at {html} to print")
    browser = find_browser()
    pdf = pdf.resolve()
    with tempfile.TemporaryDirectory(prefix="warchest-print-") as profile:
        command = [browser, *QUIET, f"--user-data-dir={profile}",
                   f"--print-to-pdf={pdf}", html.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise CannotWrite(f"{browser} did not print {html.name} within {timeout_s:.0f} s"
                              ) from None
    if done.returncode != 0 or not pdf.is_file() or pdf.stat().st_size == 0:
        tail = (done.stderr or done.stdout or "").strip().splitlines()[-1:]
        raise CannotWrite(f"{browser} could not print {html.name} to {pdf}"
                          + (f": {tail[0]}" if tail else ""))
    return pdf
