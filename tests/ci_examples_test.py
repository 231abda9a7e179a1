#!/usr/bin/env python3
"""The CI examples in ci/examples/, checked by running them.

Each pipeline file is parsed, its structure checked (a sharded job and a merge job that needs
it, artifacts that carry the shards' reports to the merge, the JUnit file and the summary
published), and its commands are run here as the CI service would run them: every shard job in
its own directory with the service's variables set, its artifacts copied as the service copies
them, then the merge job. Only the set-up commands (installing packages, building) are left
out: the wsrepro under test is already built. A small config (a few fast scenarios) stands in
for the examples' wsrepro.toml so the whole check takes seconds. The merged report must hold
exactly the runs, verdicts and exit code of one unsharded run.

Usage: ci_examples_test.py WSREPRO SOURCE_DIR
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

# Commands that install or build: the test runs the wsrepro it was given instead.
SETUP_COMMAND = re.compile(r"ci/install-deps\.sh|ci/build\.sh")
COMMAND_TIMEOUT_S = 300

TEST_CONFIG = """
[profile.default]
jobs = 2

[profile.ci]
strict = true
retries = 1

[profile.ci.run]
scenario = ["handshake.*"]
client = ["beast-async"]
seed = 11
"""

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
    return condition


class Workspace:
    """A job's working directory: the checkout, with build/release/wsrepro the one under test."""

    def __init__(self, root, name, wsrepro, source):
        self.dir = root / name
        self.dir.mkdir(parents=True)
        (self.dir / "build" / "release").mkdir(parents=True)
        (self.dir / "build" / "release" / "wsrepro").symlink_to(wsrepro)
        (self.dir / "ci").symlink_to(source / "ci")
        (self.dir / "clients").symlink_to(source / "clients")

    def run(self, script, env, label):
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=self.dir, env=env,
                                capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        if result.returncode != 0:
            print(f"--- {label}: exit {result.returncode}\n$ {script}\n{result.stdout}\n"
                  f"{result.stderr}", file=sys.stderr)
        return result.returncode


def base_env(config, extra):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in extra.items()})
    env["WSREPRO_CONFIG"] = str(config)
    return env


def github_expressions(text, values):
    """Replaces ${{ NAME }} with values[NAME]; an unknown expression is an error."""
    def replace(match):
        name = match.group(1).strip()
        if name not in values:
            failures.append(f"github-actions.yml: unexpected expression ${{{{ {name} }}}}")
            return ""
        return str(values[name])
    return re.sub(r"\$\{\{(.*?)\}\}", replace, text)


def runs_of(report_dir):
    doc = json.loads((report_dir / "report.json").read_text())
    return doc, [(r["index"], r["scenario"], r["client"], r["seed"], r["verdict"])
                 for r in doc["runs"]]


def unsharded_runs(root, wsrepro, source, config):
    ws = Workspace(root, "unsharded", wsrepro, source)
    env = base_env(config, {"WSREPRO_PROFILE": "ci"})
    code = ws.run("build/release/wsrepro run -q --out whole", env, "unsharded run")
    doc, runs = runs_of(ws.dir / "whole")
    check(len(runs) > 0, "the test config selects no run")
    return code, runs


def check_merged(name, merged_dir, expected_code, expected_runs, code):
    if not check((merged_dir / "report.json").is_file(), f"{name}: no merged report.json"):
        return
    doc, runs = runs_of(merged_dir)
    check(runs == expected_runs,
          f"{name}: the merged runs differ from the unsharded ones:\n{runs}\n{expected_runs}")
    check(code == expected_code, f"{name}: merge exited {code}, an unsharded run {expected_code}")
    check(len(doc.get("merged_from", [])) > 1, f"{name}: merged_from lists fewer than 2 parts")
    for file in ("junit.xml", "summary.md", "report.html"):
        check((merged_dir / file).is_file(), f"{name}: the merge wrote no {file}")


def github(root, wsrepro, source, config, expected_code, expected_runs):
    workflow = yaml.safe_load((source / "ci/examples/github-actions.yml").read_text())
    jobs = workflow["jobs"]
    shard_job = next((j for j in jobs.values() if "shard" in j.get("strategy", {}).get("matrix", {})),
                     None)
    if not check(shard_job is not None, "github-actions.yml: no job with a shard matrix"):
        return
    shard_name = next(n for n, j in jobs.items() if j is shard_job)
    merge_job = next((j for j in jobs.values() if j.get("needs") in (shard_name, [shard_name])),
                     None)
    if not check(merge_job is not None, "github-actions.yml: no job needs the shard job"):
        return
    check(merge_job.get("if") == "always()", "github-actions.yml: the merge must run when a shard fails")
    shards = int(workflow["env"]["SHARDS"])
    values = shard_job["strategy"]["matrix"]["shard"]
    check(values == list(range(1, shards + 1)), "github-actions.yml: the matrix is not 1..SHARDS")

    cache = [s for s in shard_job["steps"] if s.get("uses", "").startswith("actions/cache@")]
    if check(len(cache) == 1, "github-actions.yml: the shard job caches no client environments"):
        key = cache[0]["with"]["key"]
        check("hashFiles('clients/*.toml')" in key, "github-actions.yml: the cache key ignores the manifests")
        check("steps.runtimes.outputs.key" in key, "github-actions.yml: the cache key ignores the runtimes")
        check(cache[0]["with"]["path"] == "~/.cache/wsrepro/envs",
              "github-actions.yml: the cache is not wsrepro's environment cache")

    artifacts = root / "github-artifacts"
    for k in values:
        ws = Workspace(root, f"github-shard-{k}", wsrepro, source)
        outputs = ws.dir / "github-output"
        outputs.touch()
        env = base_env(config, workflow["env"])
        env["GITHUB_OUTPUT"] = str(outputs)
        expr = {"matrix.shard": k, "env.SHARDS": shards, "runner.os": "Linux"}
        for step in shard_job["steps"]:
            if "run" in step and not SETUP_COMMAND.search(step["run"]):
                script = github_expressions(step["run"], expr)
                code = ws.run(script, env, f"github shard {k}: {step.get('name', '')}")
                if "wsrepro run" not in script:
                    check(code == 0, f"github shard {k}: step '{step.get('name')}' failed")
                for line in outputs.read_text().splitlines():
                    name, _, value = line.partition("=")
                    expr[f"steps.{step.get('id')}.outputs.{name}"] = value
            elif step.get("uses", "").startswith("actions/upload-artifact@"):
                check(step.get("if") == "always()",
                      "github-actions.yml: a failing shard must still upload its report")
                name = github_expressions(step["with"]["name"], expr)
                path = ws.dir / github_expressions(step["with"]["path"], expr)
                check(path.is_dir(), f"github shard {k}: nothing to upload at {path}")
                if path.is_dir():
                    shutil.copytree(path, artifacts / name)
        check(expr.get("steps.runtimes.outputs.key", "") != "",
              "github-actions.yml: the runtime-versions step gave no key")

    ws = Workspace(root, "github-merge", wsrepro, source)
    summary = ws.dir / "step-summary.md"
    summary.touch()
    env = base_env(config, workflow["env"])
    env["GITHUB_STEP_SUMMARY"] = str(summary)
    merge_code = None
    junit = None
    for step in merge_job["steps"]:
        uses = step.get("uses", "")
        if uses.startswith("actions/download-artifact@"):
            pattern = re.compile("^" + re.escape(step["with"]["pattern"]).replace(r"\*", ".*") + "$")
            # As download-artifact v4 does with a pattern: each artifact in a directory named
            # after it, under `path`.
            for artifact in sorted(artifacts.iterdir()):
                if pattern.match(artifact.name):
                    shutil.copytree(artifact, ws.dir / step["with"]["path"] / artifact.name)
        elif "run" in step and not SETUP_COMMAND.search(step["run"]):
            code = ws.run(step["run"], env, f"github merge: {step.get('name', '')}")
            if "wsrepro merge" in step["run"]:
                merge_code = code
                out = re.search(r"--out\s+(\S+)", step["run"]).group(1)
            else:
                check(code == 0, f"github merge: step '{step.get('name')}' failed")
        elif "action-junit-report" in uses:
            junit = step["with"]["report_paths"]
    if not check(merge_code is not None, "github-actions.yml: the merge job runs no wsrepro merge"):
        return
    check_merged("github-actions.yml", ws.dir / out, expected_code, expected_runs, merge_code)
    check(junit is not None and (ws.dir / junit).is_file(),
          "github-actions.yml: the JUnit report it publishes was not written")
    merged_summary = ws.dir / out / "summary.md"
    check(merged_summary.is_file() and summary.read_text() == merged_summary.read_text(),
          "github-actions.yml: the job summary is not the merged summary.md")


def gitlab_script(job, templates):
    """A job's before_script and script as GitLab runs them (extends, nested lists flattened)."""
    lines = []
    for part in ("before_script", "script"):
        value = job.get(part)
        if value is None and "extends" in job:
            value = templates[job["extends"]].get(part)
        for item in value or []:
            lines.extend(item if isinstance(item, list) else [item])
    return lines


def gitlab(root, wsrepro, source, config, expected_code, expected_runs):
    pipeline = yaml.safe_load((source / "ci/examples/gitlab-ci.yml").read_text())
    templates = {k: v for k, v in pipeline.items() if k.startswith(".")}
    jobs = {k: v for k, v in pipeline.items() if isinstance(v, dict) and "script" in v}
    shard_name = next((n for n, j in jobs.items() if isinstance(j.get("parallel"), int)), None)
    if not check(shard_name is not None, "gitlab-ci.yml: no job with parallel: N"):
        return
    shard_job = jobs[shard_name]
    merge_name = next((n for n, j in jobs.items() if shard_name in j.get("needs", [])), None)
    if not check(merge_name is not None, "gitlab-ci.yml: no job needs the shard job"):
        return
    merge_job = jobs[merge_name]
    check(merge_job.get("when") == "always", "gitlab-ci.yml: the merge must run when a shard fails")
    check(shard_job["artifacts"].get("when") == "always",
          "gitlab-ci.yml: a failing shard must still keep its report")
    check(shard_job["cache"]["key"]["files"] and
          all((source / f).is_file() for f in shard_job["cache"]["key"]["files"]),
          "gitlab-ci.yml: the cache key does not name the client manifests")
    total = shard_job["parallel"]
    ws_merge = Workspace(root, "gitlab-merge", wsrepro, source)
    for k in range(1, total + 1):
        ws = Workspace(root, f"gitlab-shard-{k}", wsrepro, source)
        env = base_env(config, pipeline.get("variables", {}))
        env.update({"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": str(total)})
        for line in gitlab_script(shard_job, templates):
            if not SETUP_COMMAND.search(line):
                ws.run(line, env, f"gitlab shard {k}")
        # Artifacts land at the same paths in the jobs that need them.
        for pattern in shard_job["artifacts"]["paths"]:
            for path in ws.dir.glob(pattern.rstrip("/")):
                shutil.copytree(path, ws_merge.dir / path.name)
        check(any(ws.dir.glob("wsrepro-shard-*")), f"gitlab shard {k}: no report directory")
    env = base_env(config, pipeline.get("variables", {}))
    merge_code = None
    for line in gitlab_script(merge_job, templates):
        if SETUP_COMMAND.search(line):
            continue
        code = ws_merge.run(line, env, "gitlab merge")
        if "wsrepro merge" in line:
            merge_code = code
            out = re.search(r"--out\s+(\S+)", line).group(1)
    if not check(merge_code is not None, "gitlab-ci.yml: the merge job runs no wsrepro merge"):
        return
    check_merged("gitlab-ci.yml", ws_merge.dir / out, expected_code, expected_runs, merge_code)
    junit = merge_job["artifacts"]["reports"]["junit"]
    check((ws_merge.dir / junit).is_file(), "gitlab-ci.yml: the JUnit report was not written")


def main():
    wsrepro = Path(sys.argv[1]).resolve()
    source = Path(sys.argv[2]).resolve()
    # The examples' own config must be valid for every subcommand they run.
    example_config = yaml.safe_load((source / "ci/examples/github-actions.yml").read_text())["env"]
    check(example_config["WSREPRO_CONFIG"] == "ci/examples/wsrepro.toml",
          "github-actions.yml: WSREPRO_CONFIG is not the example config")
    with tempfile.TemporaryDirectory(prefix="wsrepro-ci-examples.") as tmp:
        root = Path(tmp)
        check_config = subprocess.run(
            [str(wsrepro), "--config", str(source / "ci/examples/wsrepro.toml"), "--profile", "ci",
             "list", "scenarios"], capture_output=True, text=True, timeout=60)
        check(check_config.returncode == 0,
              f"ci/examples/wsrepro.toml is refused: {check_config.stderr}")
        config = root / "wsrepro.toml"
        config.write_text(TEST_CONFIG)
        expected_code, expected_runs = unsharded_runs(root, wsrepro, source, config)
        github(root, wsrepro, source, config, expected_code, expected_runs)
        gitlab(root, wsrepro, source, config, expected_code, expected_runs)
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    if not failures:
        print("ci/examples: both pipelines shard, merge and publish as one unsharded run")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
