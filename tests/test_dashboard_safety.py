"""Safe to serve to a class: no server path can be opened or learnt from the page, sessions are
freed soon after their tab closes, and stopping `conflictsim dashboard` stops everything it
started."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import solara

from conflictsim import dashboard as cli
from dashboards import actions
from dashboards.reactive_state import DashboardState
from dashboards.session import Session
from dashboards.settings import Settings, SettingsFileError, settings_from_query
from dashboards.sweeps import SWEEPS_ENV, SweepLibrary, SweepRowError, library_from_env

PROBES = ("/etc", "/etc/passwd", "../", "..", "../outside/secret", "class/../../outside/secret",
          "class/a/../../../outside/secret", "link_out", "etc_link", "~", "", ".", "./class/a",
          "class//a", "class/a/", "class\\a", "%2e%2e/outside", "\x00")


def fake_sweep(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "manifest.json").write_text(json.dumps({"spec": {"days": 10}}))
    return path


@pytest.fixture
def sweeps_root(tmp_path):
    """A sweeps folder with one sweep, next to a sweep outside it reached by a symbolic link,
    and a link to /etc."""
    root = tmp_path / "sweeps"
    fake_sweep(root / "class" / "a")
    outside = fake_sweep(tmp_path / "outside" / "secret")
    (root / "link_out").symlink_to(outside)
    (root / "etc_link").symlink_to("/etc")
    return root



def test_only_directories_inside_the_sweeps_folder_are_listed(sweeps_root):
    assert SweepLibrary(sweeps_root).names() == ["class/a"]


@pytest.mark.parametrize("probe", PROBES)
def test_a_path_or_a_link_out_of_the_folder_opens_nothing_and_reveals_nothing(sweeps_root, probe):
    library = SweepLibrary(sweeps_root)
    with pytest.raises(SweepRowError) as refused:
        library.path_of(probe)
    message = str(refused.value)
    assert str(sweeps_root) not in message and str(sweeps_root.parent) not in message
    assert "root:" not in message and "secret" not in message.replace(probe, "")
    session = Session(Settings(scenario="freeze", n_runs=4, days=10))
    state = DashboardState.detached(session.settings)
    assert actions.open_sweep_row(session, state, library, probe, "0") is None
    assert session.settings == Settings(scenario="freeze", n_runs=4, days=10)
    assert str(sweeps_root.parent) not in state.message.value and "\n" not in state.message.value


def test_without_a_sweeps_folder_opening_rows_is_off(sweeps_root):
    assert library_from_env({}) is None
    assert library_from_env({SWEEPS_ENV: str(sweeps_root / "nowhere")}) is None
    assert library_from_env({SWEEPS_ENV: str(sweeps_root)}).names() == ["class/a"]
    env = cli.server_env({SWEEPS_ENV: "/etc"})
    assert SWEEPS_ENV not in env, "the default server inherits no sweeps folder"
    assert cli.server_env({}, sweeps=sweeps_root)[SWEEPS_ENV] == str(sweeps_root)
    session = Session(Settings(n_runs=4, days=10))
    state = DashboardState.detached(session.settings)
    assert actions.open_sweep_row(session, state, None, "/etc", "0") is None
    assert "off on this server" in state.message.value


@pytest.mark.parametrize("query", ["sweep=/etc", "scenario=/etc/passwd", "from=../", "file=/etc/passwd",
                                   "scenario=freeze&settings=/etc/passwd", "trump_aid_level=../../x"])
def test_a_link_names_settings_never_a_path(query):
    with pytest.raises(SettingsFileError) as refused:
        settings_from_query(query)
    assert "root:" not in str(refused.value) and "\n" not in str(refused.value)


def test_the_cli_refuses_a_sweeps_folder_that_is_not_one(tmp_path, capsys):
    from conflictsim.cli import main
    with pytest.raises(SystemExit) as stop:
        main(["dashboard", "--sweeps", str(tmp_path / "nowhere")])
    assert stop.value.code == 2
    assert "--sweeps" in capsys.readouterr().err


def test_closed_sessions_are_freed_within_minutes():
    """The server reads the cull timeout our CLI sets (not Solara's default of a day)."""
    code = ("import solara.server.settings as s, solara.util as u; "
            "print(u.parse_timedelta(s.kernel.cull_timeout))")
    out = subprocess.run([sys.executable, "-c", code], env=cli.server_env(), capture_output=True,
                         text=True, check=True, cwd=cli.REPO_ROOT)
    assert 0 < float(out.stdout.strip()) <= 300
    out = subprocess.run([sys.executable, "-c", code], env=cli.server_env(session_timeout=7),
                         capture_output=True, text=True, check=True, cwd=cli.REPO_ROOT)
    assert float(out.stdout.strip()) == 7.0, "--session-timeout reaches the server"


@pytest.mark.parametrize("text", ["0", "-3", "1.5", "two", "86401"])
def test_the_cli_refuses_a_session_timeout_that_is_not_whole_seconds(text, capsys):
    from conflictsim.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["dashboard", "--session-timeout", text])
    assert stop.value.code == 2
    assert "--session-timeout" in capsys.readouterr().err


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_dashboard_command_ends_every_process_it_started(stop_signal):
    port = free_port()
    command = [sys.executable, "-c", "import sys; from conflictsim.cli import main; sys.exit(main())",
               "dashboard", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=cli.REPO_ROOT, env=cli.server_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    started: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                    break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        started = descendants(proc.pid)
        assert started, "the command runs the server as a child process"
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=30) == 128 + stop_signal
        deadline = time.monotonic() + 15
        while any(alive(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in started if alive(pid)], "a process outlived the command"
    finally:  # a failed test still leaves nothing running
        for pid in started | {proc.pid}:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait()


def test_the_default_page_has_no_sweep_opener(monkeypatch):
    import ipyvuetify as v

    from dashboards import app
    monkeypatch.delenv(SWEEPS_ENV, raising=False)
    box, rc = solara.render(app.Dashboard(), handle_error=False)
    try:
        titles = [w.children for w in rc.find(v.CardTitle).widgets]
        assert ["Save, open or share your settings"] in titles, "the page rendered"
        assert ["Open a row of a sweep"] not in titles
        assert not rc.find(v.TextField, label="Sweep directory").widgets
    finally:
        rc.close()


def test_a_teachers_link_opens_a_lesson_by_name_only():
    from dashboards.lessons import load_lessons
    lessons = load_lessons()
    assert actions.lesson_in_link("?lesson=freeze_or_fight", lessons) == "freeze_or_fight"
    for search in ("?lesson=../../etc/passwd", "?lesson=/etc/passwd", "", None, "?x=1"):
        assert actions.lesson_in_link(search, lessons) is None


def kernel_ipv4_addresses() -> set[str]:
    """This machine's non-loopback IPv4 addresses asked of the kernel directly (SIOCGIFADDR per
    interface), not through the library the CLI uses."""
    import fcntl
    import struct

    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name[:15].encode()))
            except OSError:  # an interface without an IPv4 address
                continue
            address = socket.inet_ntoa(packed[20:24])
            if not address.startswith("127."):
                found.add(address)
    return found


@pytest.mark.slow
def test_served_to_the_room_the_cli_prints_the_machines_own_addresses_and_no_cookie_warning():
    """`--host 0.0.0.0` prints one address per non-loopback interface (the kernel's list), never
    0.0.0.0; pages are then fetched over loopback only, and the teacher's terminal gets no
    samesite cookie warning for them."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from conflictsim.cli import main; sys.exit(main())",
         "dashboard", "--host", "0.0.0.0", "--port", str(port)],
        cwd=cli.REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    try:
        first = proc.stdout.readline()
        assert "listening on all interfaces" in first and "0.0.0.0" not in first
        lines = [proc.stdout.readline() for _ in range(1 + len(kernel_ipv4_addresses()))]
        printed = {line.split("http://")[1].split(":")[0] for line in lines
                   if "students open" in line}
        assert printed == kernel_ipv4_addresses()
        assert f"http://127.0.0.1:{port}/" in lines[0]
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 90
        served = 0
        while served < 3:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    served += response.status == 200
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.5)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        rest = proc.communicate(timeout=30)[0]
    assert "samesite" not in rest.lower(), rest[:2000]


def test_listening_on_one_address_prints_that_address():
    assert cli.address_lines("127.0.0.1", 8765) == [
        "conflictsim dashboard: http://127.0.0.1:8765/ (Ctrl-C stops it)"]
    assert cli.student_urls("0.0.0.0", 8765) == [f"http://{a}:8765/" for _, a in
                                                 cli.interface_addresses()]
