#!/usr/bin/env python3
"""docs/liveness-matrix.md from a wsrepro report.json and the notes that explain it.

    liveness_matrix.py REPORT.json NOTES.toml > docs/liveness-matrix.md

Every cell (scenario x client x version) that is not a pass must match a note of NOTES.toml:

    [[note]]
    id = "no-keepalive"                 # stable, cited by the cells
    scenario = "keepalive.stall_*"      # glob on the scenario id, or a list of them
    client = "node-ws"                  # glob on the client's name, or a list of them
    versions = "*"                      # glob on its version (default: every version)
    verdicts = ["fail", "unsupported"]  # default: every verdict that is not a pass
    kind = "client"                     # client | library | scenario | harness | runtime
    text = "ws has no keepalive of its own: ..."
    link = "https://..."                # upstream issue or documentation, where one exists

The first note that matches explains the cell. Cells no note explains are listed under
"Unexplained" and the script exits 1, so the page cannot silently leave one out.
"""
import fnmatch
import json
import sys
import tomllib
from collections import OrderedDict

KINDS = {
    "client": "client behaviour",
    "library": "no such option in the library",
    "scenario": "wsrepro defect: the scenario, to fix",
    "harness": "wsrepro defect: a driver or the harness, to fix",
    "runtime": "the runtime, not the library",
}
LABELS = {"pass": "ok", "fail": "FAIL", "known_bug": "BUG", "skipped": "skip", "error": "error",
          "unsupported": "n/s"}


def headline_text(run):
    m = run.get("measurements", {}).get(run.get("headline", "hang_ms"))
    if not m or m.get("value") is None:
        return "-"
    value = m["value"]
    if isinstance(value, str):
        return value
    bound = "≥" if m.get("lower_bound") else ""
    if m.get("unit") == "ms":
        return f"{bound}{value / 1000:.1f} s" if value >= 1000 else f"{bound}{value:.0f} ms"
    return f"{bound}{value:g}"


def version_of(run):
    return run.get("client_version") or run.get("library_version") or ""


def load_notes(path):
    with open(path, "rb") as f:
        notes = tomllib.load(f).get("note", [])
    seen = set()
    for i, note in enumerate(notes):
        for key in ("id", "scenario", "client", "kind", "text"):
            if key not in note:
                sys.exit(f"{path}: note {i + 1} has no {key}")
        if note["kind"] not in KINDS:
            sys.exit(f"{path}: note {note['id']}: kind must be one of {', '.join(KINDS)}")
        if note["id"] in seen:
            sys.exit(f"{path}: note id {note['id']} is used twice")
        seen.add(note["id"])
    return notes


def explain(notes, scenario, client, version, verdict):
    for note in notes:
        globs = note["scenario"] if isinstance(note["scenario"], list) else [note["scenario"]]
        if (any(fnmatch.fnmatchcase(scenario, g) for g in globs)
                and any(fnmatch.fnmatchcase(client, g) for g in
                        (note["client"] if isinstance(note["client"], list) else [note["client"]]))
                and fnmatch.fnmatchcase(version, note.get("versions", "*"))
                and verdict in note.get("verdicts", [v for v in LABELS if v != "pass"])):
            return note
    return None


def cell(text):
    return text.replace("|", "\\|")


def main():
    report_path, notes_path = sys.argv[1], sys.argv[2]
    with open(report_path) as f:
        report = json.load(f)
    notes = load_notes(notes_path)
    runs = report["runs"]

    # Clients in the order the run named them, each with its versions in plan order.
    clients = OrderedDict()
    for run in runs:
        name = run.get("client_name") or run["client"].split("@")[0]
        info = clients.setdefault(name, {"versions": [], "library": run.get("library", ""),
                                         "runtimes": set()})
        if version_of(run) not in info["versions"]:
            info["versions"].append(version_of(run))
        if run.get("runtime_version"):
            info["runtimes"].add(run["runtime_version"])
    scenarios = OrderedDict()
    for run in runs:
        scenarios.setdefault(run["scenario"], run.get("title", ""))

    cells = {}
    used_notes = OrderedDict()
    unexplained = []
    for run in runs:
        name = run.get("client_name") or run["client"].split("@")[0]
        key = (run["scenario"], name, version_of(run))
        verdict = run["verdict"]
        text = f"{LABELS[verdict]} {headline_text(run)}" if verdict != "skipped" else "skip"
        ref = ""
        # A scenario written for some clients only (applies_to) says nothing of the others.
        if verdict == "skipped" and run["reason"].startswith("the scenario applies only to"):
            cells[key] = "n/a"
            continue
        if verdict != "pass":
            note = explain(notes, run["scenario"], name, version_of(run), verdict)
            if note is None:
                unexplained.append((key, verdict, run["reason"]))
                ref = " [?]"
            else:
                used_notes.setdefault(note["id"], note)
                ref = f" [{list(used_notes).index(note['id']) + 1}]"
        cells[key] = text + ref

    out = []
    summary = report["summary"]
    out.append("# The liveness matrix\n")
    out.append("How the WebSocket clients people use behave when a server misbehaves: each scenario "
               "of wsrepro's scenario library (scenarios/, docs/scenarios.md) against each client, at an older and the "
               "newest pinned release. A cell is the run's verdict and its headline measurement "
               "(`hang_ms` unless the scenario names another; `≥` marks a lower bound: wsrepro "
               "ended the client). `n/s`: the client's library has no option for a setting the "
               "scenario needs, and the figure is what its default does. `n/a`: the scenario is "
               "written for other clients only. Every other cell that is not a pass cites the note "
               "that explains it. Every driver takes the same client settings (clients/DRIVER-PROTOCOL.md), "
               "`close_after_ms` among them: a scenario that needs the client to close asks for it, "
               "so no cell depends on what a client does with Ctrl+C unless the scenario is about "
               "that. CI runs a subset of the matrix on every change (`ci/liveness-subset.sh`) and "
               "fails on any cell no note explains.\n")
    out.append(f"Generated by `bash ci/liveness-matrix.sh` from a run started "
               f"{report.get('started_at', '?')} (wsrepro {report.get('wsrepro_version', '?')}, "
               f"time scale {report.get('time_scale', 1)}, seed {report.get('seed', 0)}): "
               f"{summary['total']} runs, {summary['pass']} passed, {summary['fail']} failed, "
               f"{summary.get('unsupported', 0)} not supported, {summary['known_bug']} known bugs, "
               f"{summary['skipped']} skipped, {summary['error']} errors. Replay any cell with "
               f"`wsrepro run --scenario ID --client NAME@VERSION`.\n")
    out.append("## Clients\n")
    out.append("| client | library | versions | runtime |")
    out.append("|---|---|---|---|")
    for name, info in clients.items():
        out.append(f"| `{name}` | {cell(info['library'] or '-')} | "
                   f"{', '.join(v or '-' for v in info['versions'])} | "
                   f"{cell(', '.join(sorted(info['runtimes'])) or '-')} |")
    out.append("")
    categories = OrderedDict()
    for scenario in scenarios:
        categories.setdefault(scenario.split(".")[0], []).append(scenario)
    for category, ids in categories.items():
        out.append(f"## {category}\n")
        out.append("| scenario | " + " | ".join(f"`{n}`" for n in clients) + " |")
        out.append("|---|" + "---|" * len(clients))
        for scenario in ids:
            row = [f"`{scenario}`"]
            for name, info in clients.items():
                parts = []
                for v in info["versions"]:
                    text = cells.get((scenario, name, v))
                    if text is not None:
                        parts.append(f"{v}: {text}" if len(info["versions"]) > 1 else text)
                row.append("<br>".join(cell(p) for p in parts) or "")
            out.append("| " + " | ".join(row) + " |")
        out.append("")
    out.append("## Notes\n")
    for i, (note_id, note) in enumerate(used_notes.items(), start=1):
        link = f" ([source]({note['link']}))" if note.get("link") else ""
        text = " ".join(note["text"].split())
        out.append(f"{i}. **{note_id}** ({KINDS[note['kind']]}): {text}{link}")
    out.append("")
    if unexplained:
        out.append("## Unexplained\n")
        out.append("Cells no note explains yet (`[?]` above): each is to be investigated and "
                   "explained in docs/liveness-notes.toml, or its wsrepro defect fixed.\n")
        for (scenario, name, version), verdict, reason in unexplained:
            at = f"@{version}" if version else ""
            out.append(f"- `{scenario}` on `{name}{at}`: {verdict}: {cell(reason)}")
        out.append("")
    sys.stdout.write("\n".join(out))
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
