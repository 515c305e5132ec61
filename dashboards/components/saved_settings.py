"""Save, open and share one's settings: a small TOML file, and a link that restores them."""

from __future__ import annotations

import html
from typing import Callable

import solara

from .file_picker import FilePicker

SETTINGS_FILENAME = "my-conflictsim-settings.toml"


@solara.component
def SettingsFiles(toml_text: str, query: str, on_open_file: Callable[[str, bytes], None]):
    """`toml_text` is downloaded as it is (built in memory, never written on the server); an
    uploaded file's name and bytes go to `on_open_file`; the link is relative (`?query`), so the
    browser completes it with the address the student is using."""
    with solara.Card("Save, open or share your settings", classes=["settings-files"]):
        with solara.Column(classes=["save-settings"], gap="0px"):
            solara.FileDownload(toml_text, filename=SETTINGS_FILENAME, label="Save my settings",
                                mime_type="application/toml")
        FilePicker("Open settings…", ".toml,.json", on_open_file, ["open-settings"])
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<a class="share-link" href="?{html.escape(query)}">Link to these settings</a>'
            ' (copy it to share; opening it starts from these settings)'),
            style={"font-size": "0.85em"})

