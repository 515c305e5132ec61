"""Save, open and share one's settings: a small TOML file, and a link that restores them."""

from __future__ import annotations

import html
from typing import Callable

import ipywidgets
import solara

SETTINGS_FILENAME = "my-conflictsim-settings.toml"


@solara.component
def SettingsFiles(toml_text: str, query: str, on_open_file: Callable[[str, bytes], None]):
    """`toml_text` is downloaded as it is (built in memory, never written on the server); an
    uploaded file's name and bytes go to `on_open_file`; the link is relative (`?query`), so the
    browser completes it with the address the student is using."""

    def uploaded(change):
        files = change["new"]
        if files:
            first = files[0]
            change["owner"].value = ()  # the same file can be opened again
            on_open_file(str(first["name"]), bytes(first["content"]))

    with solara.Card("Save, open or share your settings", classes=["settings-files"]):
        with solara.Column(classes=["save-settings"], gap="0px"):
            solara.FileDownload(toml_text, filename=SETTINGS_FILENAME, label="Save my settings",
                                mime_type="application/toml")
        upload = ipywidgets.FileUpload.element(accept=".toml,.json", multiple=False,
                                               description="Open settings…",
                                               layout=ipywidgets.Layout(width="auto"))
        solara.use_effect(lambda: _observe(solara.get_widget(upload), uploaded), [])
        solara.HTML(tag="div", unsafe_innerHTML=(
            f'<a class="share-link" href="?{html.escape(query)}">Link to these settings</a>'
            ' (copy it to share; opening it starts from these settings)'),
            style={"font-size": "0.85em"})


def _observe(widget: ipywidgets.FileUpload, handler) -> Callable[[], None]:
    widget.observe(handler, "value")
    return lambda: widget.unobserve(handler, "value")
