"""Views: components that show data handed to them (figures, readouts, the log, exports).

Readouts carry the plotted numbers as `data-*` attributes too, so a browser test can compare
what is drawn with `sim.simulate` without reading pixels.
"""

from __future__ import annotations

import base64
import datetime
import html
import io
import json
import zipfile
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import solara

import sim

from sim import calendar
from sim.trajectories import TRAJECTORIES

from ..events import Event, date_text


@solara.component
def FigureImage(png: bytes, name: str, caption: str, alt: str):
    """A chart with its text alternative (`alt`, read by screen readers for the whole chart) and
    a caption under it."""
    with solara.Column(classes=[f"figure-{name}", "figure"], gap="2px"):
        with solara.v.Html(tag="div", attributes={"role": "img", "aria-label": alt},
                           class_=f"chart chart-{name}"):
            # an <img> with its own name, not an unnamed "image" inside the named box
            solara.v.Html(tag="img", attributes={
                "src": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                "alt": alt})
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(caption), classes=["figure-caption"])


@solara.component
def MarkdownText(text: str, classes: list[str] | None = None, style: str | dict | None = None):
    """Markdown as plain HTML. Not `solara.Markdown`: that one loads KaTeX for math from
    solara's CDN path, which `solara-assets` does not ship, so every page showed a 404 and a
    script error (on each re-render too, as on a preset switch). Nothing here needs math."""
    import markdown

    solara.HTML(tag="div", unsafe_innerHTML=markdown.markdown(text),
                classes=["plain-markdown", *(classes or [])], style=style)


@solara.component
def FanStatus(pending: bool, from_day: int | None, n_runs: int, error: str | None):
    """Says whether the fan is being recomputed (with a progress bar) or from which day it is."""
    state = "computing" if pending else ("ready" if from_day is not None else "waiting")
    with solara.Column(classes=["fan-status"], gap="0px"):
        solara.ProgressLinear(pending)
        if pending:
            text = f"Computing {n_runs} runs to the end of the two years…"
        elif from_day is not None:
            text = (f"{n_runs} runs of the model, each with its own luck, from day {from_day} "
                    f"to the end of the two years.")
        else:
            text = "No fan yet."
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["fan-state"],
                    attributes={"data-state": state}, style={"font-size": "0.85em"})
        if error:
            solara.Warning(error)


@solara.component
def FanReadout(median: np.ndarray, highlighted: np.ndarray, settings: Mapping[str, Any],
               from_day: int, start: datetime.date, previous: bool = False):
    """The plotted median of occupied area and the highlighted run's end, in words and exactly
    as data attributes; `previous`: these are the last runs, shown while new ones are computed."""
    last = len(median) - 1
    end = calendar.date_of(last, start)
    text = (("Until the new runs are ready, the last ones: " if previous else "")
            + f"Russian-occupied area on {end.day} {end.strftime('%b %Y')}: median of the runs "
            f"{median[-1]:,.0f} km² (a year in: {median[min(365, last)]:,.0f} km²); "
            f"highlighted run (seed {settings.get('seed')}, run {settings.get('run_offset')}): "
            f"{highlighted[-1]:,.0f} km²")
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["fan-readout"],
                attributes={"data-median-final": repr(float(median[-1])),
                            "data-median-365": repr(float(median[min(365, last)])),
                            "data-highlight-final": repr(float(highlighted[-1])),
                            "data-from-day": str(from_day),
                            "data-settings": json.dumps(settings, default=str, sort_keys=True)})


@solara.component
def CompareReadout(labels: Sequence[str], finals: Sequence[float], unit: str):
    text = "; ".join(f"{label}: median {value:,.4g} {unit} at the horizon"
                     for label, value in zip(labels, finals))
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["compare-readout"],
                attributes={"data-series": json.dumps(list(labels)),
                            "data-finals": json.dumps([float(v) for v in finals])},
                style={"font-size": "0.85em"})


def event_items(events: Sequence[Event], start: datetime.date, limit: int = 200) -> str:
    """The newest `limit` events as HTML list items, newest first, each led by its date as
    people write it (the run's day number is in the item's tooltip)."""
    items = []
    for e in reversed(events[-limit:]):
        date = calendar.date_of(e.day, start)
        items.append(f'<li class="event event-{e.kind}" data-day="{e.day}" title="day {e.day} '
                     f'of the run"><time datetime="{date.isoformat()}">{date_text(date)}</time>: '
                     f'{html.escape(e.text)}</li>')
    return "".join(items)


@solara.component
def ExportDownloads(pngs: Mapping[str, Callable[[], bytes]], trajectories: Mapping[str, np.ndarray],
                    outcomes: pd.DataFrame | None, run_indices: np.ndarray, seed: int,
                    start: datetime.date, sizes: Mapping[str, float]):
    """Download the figures on screen (PNG, drawn when clicked) and the runs behind them (CSV,
    zipped, or Parquet), each of the runs' files with its size beside its name (`sizes`, in
    bytes, by file name: `runs_file_sizes`)."""
    # the same makers while their inputs are the same objects (a new closure would cancel a
    # download in progress: see `ExportPanel`); an input kept by a maker cannot share its id
    # with a new one
    def makers():
        tables = {"outcomes.csv": None if outcomes is None else (
            lambda: outcomes.to_csv(index=False))}
        for name, make in RUNS_FILES.items():
            tables[name] = lambda make=make: make(trajectories, run_indices, seed, start)
        return tables

    tables = solara.use_memo(makers, [id(outcomes), id(trajectories), id(run_indices), seed, start])
    with solara.Card("Export", classes=["export-panel"]):
        with solara.Row(style={"flex-wrap": "wrap"}):
            for name, make_png in pngs.items():
                solara.FileDownload(make_png, filename=f"{name}.png", label=f"{name}.png",
                                    mime_type="image/png")
            for name, make in tables.items():
                if make is not None:
                    label = f"{name} ({size_text(sizes[name])})" if name in sizes else name
                    solara.FileDownload(make, filename=name, label=label,
                                        mime_type=MIME_TYPES[name.rpartition(".")[2]])
        solara.HTML(tag="div", unsafe_innerHTML=html.escape(RUNS_FILES_NOTE),
                    classes=["export-note"], style={"font-size": "0.85em"})


RUNS_FILES_NOTE = ("runs.csv.zip: every run's every day as a table (CSV), zipped: open the zip, "
                   "then runs.csv in it. runs.parquet: the same rows with every digit, for "
                   "pandas, R or DuckDB.")
MIME_TYPES = {"csv": "text/csv", "zip": "application/zip", "parquet": "application/octet-stream"}


def outcomes_table(outcomes: pd.DataFrame, settings_text: str,
                   overrides: Sequence[tuple[str, Any]],
                   interventions: Sequence[tuple[int, Mapping[str, Any]]],
                   from_day: int) -> pd.DataFrame:
    """The outcomes as exported: each row names the settings its run had (the preset, and the
    student's changes in words and as one column per parameter; a change during the run as
    "NAME from day N")."""
    frame = outcomes.copy()
    frame.insert(frame.columns.get_loc("scenario") + 1, "settings", settings_text)
    for name, value in overrides:
        frame[name] = value
    for day, changes in interventions:
        for name, value in changes.items():
            frame[f"{name} from day {day}"] = value
    frame["fan_from_day"] = from_day
    return frame


def long_table(trajectories: Mapping[str, np.ndarray], run_indices: np.ndarray, seed: int,
               start: datetime.date) -> pd.DataFrame:
    """One row per run and day, one column per recorded variable."""
    n_runs, n_days = next(iter(trajectories.values())).shape
    dates = calendar.date_strings(n_days - 1, start)
    frame = {"run": np.repeat(run_indices, n_days), "seed": seed,
             "day": np.tile(np.arange(n_days), n_runs), "date": np.tile(dates, n_runs)}
    frame |= {name: arr.reshape(-1) for name, arr in trajectories.items()}
    return pd.DataFrame(frame)


def runs_csv(trajectories: Mapping[str, np.ndarray], run_indices: np.ndarray, seed: int,
             start: datetime.date) -> bytes:
    """The long table as CSV (UTF-8), each variable to the places its unit is worth
    (`TrajectorySpec.decimals`), written without trailing zeros ("12", not "12.0"): with every
    float digit a 200-run, two-year fan was 85 MB, too large for a student to open or mail.

    Arrow's CSV writer writes each number in its shortest form, which for values to three
    places is the text pandas wrote with "%.15g", in a tenth of the time: pandas' writer took
    5 s for that fan, and 50 s in Solara's download thread, which traces every Python call
    (`use_thread`'s intrusive cancel), where Arrow's C++ is not traced."""
    table = long_table(trajectories, run_indices, seed, start)
    for name in trajectories:
        # + 0.0: no "-0" where a small negative value rounds to zero
        table[name] = table[name].astype(float).round(TRAJECTORIES[name].decimals) + 0.0
    arrow = pa.Table.from_pandas(table, preserve_index=False)  # NaN becomes an empty cell
    out = io.BytesIO()
    # the header unquoted, as pandas wrote it (Arrow quotes every name before pyarrow 23)
    out.write((",".join(arrow.column_names) + "\n").encode())
    pa_csv.write_csv(arrow, out, pa_csv.WriteOptions(include_header=False, quoting_style="none"))
    return out.getvalue()


# deflate's fastest level: a 200-run fan's 30 MB of CSV to 10 MB in 0.25 s; its default (6)
# gives 8.3 MB in 1.7 s, of a server's CPU that a class shares
ZIP_LEVEL = 1


def zipped(name: str, data: bytes) -> bytes:
    """`data` as the one file `name` of a zip archive (which Windows, macOS and pandas open as
    they are)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=ZIP_LEVEL) as archive:
        archive.writestr(name, data)
    return out.getvalue()


def runs_csv_zip(trajectories: Mapping[str, np.ndarray], run_indices: np.ndarray, seed: int,
                 start: datetime.date) -> bytes:
    """runs.csv zipped: a third of its size (a 200-run fan's 30 MB took 94 s to reach a student
    on a loaded server)."""
    return zipped("runs.csv", runs_csv(trajectories, run_indices, seed, start))


def runs_parquet(trajectories: Mapping[str, np.ndarray], run_indices: np.ndarray, seed: int,
                 start: datetime.date) -> bytes:
    """The long table as Parquet, every value exact."""
    return parquet_bytes(long_table(trajectories, run_indices, seed, start))


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out, index=False)
    return out.getvalue()


# The runs' files a student can download, by name: made when clicked, from (trajectories,
# run indices, seed, start)
RUNS_FILES: dict[str, Callable[[Mapping[str, np.ndarray], np.ndarray, int, datetime.date],
                               bytes]] = {"runs.csv.zip": runs_csv_zip, "runs.parquet": runs_parquet}
SIZE_SAMPLE_RUNS = 10  # runs made to estimate a file's size before it is asked for


def estimated_size(make: Callable[..., bytes], trajectories: Mapping[str, np.ndarray],
                   run_indices: np.ndarray, seed: int, start: datetime.date) -> float:
    """The size in bytes of `make`'s file of all runs, from that of its first
    `SIZE_SAMPLE_RUNS`: said before the click, which makes the whole file (runs are alike in
    size, each a block of rows)."""
    n_runs = len(run_indices)
    sample = min(n_runs, SIZE_SAMPLE_RUNS)
    made = make({name: values[:sample] for name, values in trajectories.items()},
                run_indices[:sample], seed, start)
    return len(made) * n_runs / sample


def runs_file_sizes(trajectories: Mapping[str, np.ndarray], run_indices: np.ndarray, seed: int,
                    start: datetime.date) -> dict[str, float]:
    """Each of the runs' files' size in bytes, estimated (`estimated_size`), by file name."""
    return {name: estimated_size(make, trajectories, run_indices, seed, start)
            for name, make in RUNS_FILES.items()}


def size_text(size: float) -> str:
    """A file's size as a download button says it: "about 10 MB"."""
    megabytes = size / 1e6
    return f"about {megabytes:.2g} MB" if megabytes >= 0.1 else f"about {size / 1e3:.2g} kB"


@solara.component
def SweepRowReadout(directory: str, row_index: int, seed: int, run_index: int,
                    stored: float | None, replayed: float | None):
    """The sweep's stored final occupied area beside the replayed run's, and whether they agree
    exactly (a mismatch across machines can come from numpy's last-bit differences)."""
    if replayed is None:
        verdict, state = "replaying…", "pending"
    elif stored is None:
        verdict, state = f"replayed {replayed:,.3f} km²; the sweep did not store this outcome", "unknown"
    else:
        same = stored == replayed
        verdict = (f"stored {stored:,.3f} km², replayed {replayed:,.3f} km²: "
                   + ("identical" if same else "DIFFERENT (see the manifest's numpy and CPU)"))
        state = "match" if same else "mismatch"
    text = (f"Sweep {directory}, row {row_index} (seed {seed}, run {run_index}): "
            f"occupied area at the horizon {verdict}")
    solara.HTML(tag="div", unsafe_innerHTML=html.escape(text), classes=["sweep-row-check"],
                attributes={"data-state": state, "data-stored": repr(stored),
                            "data-replayed": repr(replayed)},
                style={"font-size": "0.85em"})


ABOUT_MARKDOWN = """
**What this is.** An agent-based model of the war in Ukraine and the talks around it, from
1 December 2024, built for teaching. Four leaders (Putin, Zelensky, Trump, European leaders)
follow simple, documented rules; a front of twelve sectors, Ukraine's grid, both economies,
domestic support, aid and sanctions respond day by day. Each scenario is one reading of the
analyses that followed the November 2024 Trump-Putin call.

**What it is not.** Not a forecast and not an intelligence estimate. Numbers are plausible
magnitudes from public sources and stated assumptions; the spread of the fan (200 runs with
different random draws) is the point, not any single line. Talks in the model do not converge
by construction: each side has private information and neither can fully trust the other's
commitments (Fearon 1995; Powell 2006).

**Sources.** Territory: DeepStateMap monthly changes (2024). Casualties, force sizes, aid and
sanctions: public estimates to November 2024 (Kiel Institute Ukraine Support Tracker, Russian
Ministry of Finance budget figures, IEA and KSE on oil revenue, Ukrainian grid operator
statements). Every parameter names its source in its tooltip and in `conflictsim params`.

**Built with** [Mesa](https://mesa.readthedocs.io) (the agent-based model) and
[Solara](https://solara.dev) (this page), both open source; the map's outlines come from
Natural Earth (public domain).

**How to read the charts.** Shaded bands hold 50 % and 90 % of runs; the coloured line is their
median; the black line is the highlighted run (one run of the ensemble, followed day by day) up
to today, and dotted after today: the days that run still has to come. Blue shading is winter;
dotted purple is the US inauguration; dash-dot lines are talks changes of the highlighted run;
orange dashes are your changes during the run.
"""


@solara.component
def AboutPanel():
    with solara.Details("About this model", expand=False):
        MarkdownText(ABOUT_MARKDOWN, classes=["about-text"])


def glossary_entries() -> tuple[tuple[str, str], ...]:
    """Every outcome class (with its threshold from `sim.PARAMS`) and every unit the charts use,
    in plain words."""
    crisis = sim.PARAMS["russia_crisis_threshold"].default
    destabilised = sim.PARAMS["destabilisation_threshold"].default
    return (
        ("settlement", "a run that ends with a signed settlement between Kyiv and Moscow."),
        ("frozen conflict", "a run that ends in a ceasefire without a settlement: the front "
                            "stops where it is, nothing is agreed."),
        ("Russian economic crisis", f"a run still at war at the end in which the economic "
                                    f"pressure on Russia has reached {crisis:.2f} or more "
                                    "(on the 0-1 index below)."),
        ("Ukrainian destabilisation", f"a run still at war at the end in which support in "
                                      f"Ukraine for fighting on has fallen below "
                                      f"{destabilised:.0%} of people."),
        ("war with talks", "a run at war at the end, with talks open."),
        ("war without talks", "a run at war at the end, with no talks."),
        ("km²", "square kilometres of Ukrainian land; 1,000 km² is a square about 32 km a side. "
                "Ukraine is 603,550 km²."),
        ("economic pressure (index 0-1)", "how hard the war's cost presses on a country, 0 none "
                                          "and 1 crisis: for Russia the budget deficit, what it "
                                          "must borrow at home and sanctions; for Ukraine power cuts, the "
                                          "budget gap, short supply and the fighting."),
        ("support (share)", "the share of people in Ukraine who want to go on fighting, 0 to 1."),
        ("GW", "gigawatts of electricity Ukraine's grid can supply."),
        ("troops at the front (thousand)", "soldiers each side has in the twelve sectors of "
                                           "the front, Kursk included: raised by contracts, "
                                           "call-ups and mobilisation, worn down by the "
                                           "fighting."),
        ("force ratio", "Russian soldiers at the front for every Ukrainian one; the front moves "
                        "faster the higher it is, until the attacker tires."),
        ("bn USD / year", "billions of US dollars a year, at the day's pace."),
        ("km² equivalent", "what a term of a deal (sanctions relief, guarantees) is worth to a "
                           "side, counted in the land it would give up for it."),
        ("counterfactual", "a what-if: the same world with one thing done differently."),
        ("opportunist", "Putin's strategy in talks that asks for the most he believes Kyiv "
                        "would accept."),
        ("seed, run", "the seed is the number the random draws start from, the run which run "
                      "of that seed; the same two numbers give the same run."),
    )


@solara.component
def Glossary(classes: list[str] | None = None):
    """The page's words, defined where they are met: a disclosure any student can open."""
    items = "".join(f"<dt>{html.escape(term)}</dt><dd>{html.escape(meaning)}</dd>"
                    for term, meaning in glossary_entries())
    solara.HTML(tag="details", unsafe_innerHTML=(
        "<summary>Words used here: outcome classes and units</summary>"
        f'<dl class="glossary-list">{items}</dl>'), classes=["glossary"] + (classes or []))
