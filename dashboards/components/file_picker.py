"""A button that opens the system's file dialog: Solara 1.58's `FileDrop` takes files dragged
onto it only, which a student on a tablet, or one who does not know the file can be dragged,
cannot do. Used wherever the page opens a file, beside any drop zone, with the same handler."""

from __future__ import annotations

from typing import Callable

import ipywidgets
import solara


@solara.component
def FilePicker(label: str, accept: str, on_file: Callable[[str, bytes], None],
               classes: list[str] | None = None):
    """`label` on the button; `accept` the file types the dialog offers (".toml,.json"); the
    chosen file's name and bytes go to `on_file`. The same file can be chosen again at once
    (after fixing it, or to open it twice)."""

    def chosen(change) -> None:
        files = change["new"]
        if files:
            first = files[0]
            change["owner"].value = ()
            on_file(str(first["name"]), bytes(first["content"]))

    upload = ipywidgets.FileUpload.element(accept=accept, multiple=False, description=label,
                                           layout=ipywidgets.Layout(width="auto"))
    solara.use_effect(lambda: _observe(solara.get_widget(upload), chosen), [on_file])
    solara.Column(children=[upload], classes=["file-picker", *(classes or [])], gap="0px")


def _observe(widget: ipywidgets.FileUpload, handler) -> Callable[[], None]:
    widget.observe(handler, "value")
    return lambda: widget.unobserve(handler, "value")
