#!/usr/bin/env python3
"""Validates wsrepro's JSON output against reports/schema/report.schema.json.

Usage: validate_json.py SCHEMA FILE            FILE is a report.json
       validate_json.py SCHEMA FILE --jsonl    FILE holds `--format jsonl` lines

Exit 0 when valid, 1 with each error (its JSON path and why) when not, 2 when it cannot check.
Uses the jsonschema package (Debian: python3-jsonschema; ci/install-deps.sh installs it).
"""

import json
import sys


def main(argv):
    if len(argv) not in (3, 4) or (len(argv) == 4 and argv[3] != "--jsonl"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import jsonschema
    except ImportError:
        print("validate_json.py: the jsonschema package is missing "
              "(bash ci/install-deps.sh installs python3-jsonschema)", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    with open(argv[2], encoding="utf-8") as f:
        text = f.read()
    documents = []
    if len(argv) == 4:
        # Each line of the stream: begin (the report's top level without runs), run, end.
        defs = schema["$defs"]
        top = dict(schema["properties"])
        begin = {"type": "object", "properties": top, "$defs": defs,
                 "required": [k for k in schema["required"]
                              if k not in ("runs", "summary", "statistics")]}
        for number, line in enumerate(text.splitlines(), 1):
            event = json.loads(line)
            kind = event.pop("event", None)
            if kind == "begin":
                documents.append((f"line {number}", event, begin))
            elif kind == "run":
                documents.append((f"line {number}", event["run"],
                                  {"$ref": "#/$defs/run", "$defs": defs}))
            elif kind == "end":
                documents.append((f"line {number}", event["summary"],
                                  {"$ref": "#/$defs/summary", "$defs": defs}))
            else:
                print(f"line {number}: unknown event {kind!r}")
                return 1
    else:
        documents.append(("report", json.loads(text), schema))
    errors = 0
    for where, document, sub_schema in documents:
        for error in validator_class(sub_schema).iter_errors(document):
            errors += 1
            if errors <= 20:
                print(f"{where}: {error.json_path}: {error.message[:300]}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
