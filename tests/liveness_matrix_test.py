#!/usr/bin/env python3
"""ci/liveness_matrix.py on a small report: every cell that is not a pass cites its note, a cell
no note explains is listed and makes it exit 1, and a scenario for other clients is n/a.

Usage: liveness_matrix_test.py SOURCE_DIR
"""
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def run(name, client, version, verdict, reason="", hang=None, lower=False):
    return {"scenario": name, "title": name, "client": f"{client}@{version}", "client_name": client,
            "client_version": version, "library": client, "runtime_version": "R 1",
            "verdict": verdict, "reason": reason, "headline": "hang_ms",
            "measurements": {"hang_ms": {"value": hang, "unit": "ms", "lower_bound": lower}}}


REPORT = {
    "wsrepro_version": "0.1.0", "started_at": "2026-12-02T00:00:00Z", "time_scale": 1.0, "seed": 1,
    "summary": {"total": 4, "pass": 1, "fail": 2, "known_bug": 0, "skipped": 1, "error": 0,
                "unsupported": 0},
    "runs": [
        run("close.a", "lib", "1.0", "pass", hang=12.0),
        run("close.a", "lib", "2.0", "fail", "hang_ms = 3000 ms", hang=3000.0, lower=True),
        run("keepalive.b", "lib", "1.0", "fail", "never noticed"),
        run("tls.c", "lib", "1.0", "skipped", "the scenario applies only to: beast-*"),
    ],
}
NOTES = '''
[[note]]
id = "waits"
scenario = ["close.*"]
client = "lib"
versions = "2.*"
kind = "client"
text = "lib 2 waits for the server's FIN."
link = "https://example.org/issue/1"
'''


def main():
    source = Path(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        report, notes = Path(tmp) / "report.json", Path(tmp) / "notes.toml"
        report.write_text(json.dumps(REPORT))
        notes.write_text(NOTES)
        r = subprocess.run([sys.executable, str(source / "ci/liveness_matrix.py"), str(report),
                            str(notes)], capture_output=True, text=True, timeout=60)
        page = r.stdout
        checks = [
            (r.returncode == 1, "an unexplained cell must make it exit 1"),
            ("2.0: FAIL ≥3.0 s [1]" in page, "the explained cell cites note 1"),
            ("1.0: ok 12 ms" in page, "a pass shows its headline"),
            ("1. **waits** (client behaviour): lib 2 waits for the server's FIN. "
             "([source](https://example.org/issue/1))" in page, "the note is listed with its link"),
            ("FAIL - [?]" in page, "the unexplained cell is marked"),
            ("- `keepalive.b` on `lib@1.0`: fail: never noticed" in page,
             "the unexplained cell is listed"),
            ("| `tls.c` | 1.0: n/a |" in page, "a scenario for other clients is n/a, not a failure"),
        ]
        failures = [message for ok, message in checks if not ok]
        notes.write_text(NOTES.replace('kind = "client"', 'kind = "bug"'))
        bad = subprocess.run([sys.executable, str(source / "ci/liveness_matrix.py"), str(report),
                              str(notes)], capture_output=True, text=True, timeout=60)
        if bad.returncode == 0 or "kind must be one of" not in bad.stderr:
            failures.append("an unknown kind must be refused")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if failures:
        print(page, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
