#!/usr/bin/env python3
"""Write data/models/{iam,sts,ssm}.json from botocore's service models, documentation removed.

The server embeds these to read Query parameters and to write XML and JSON responses in the
shapes botocore parses. Run again after a botocore upgrade; the files record the version.
"""
import gzip, json, os, sys
import botocore

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "models")
DATA = os.path.join(os.path.dirname(botocore.__file__), "data")

def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ("documentation", "documentationUrl", "deprecatedMessage")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node

for service in ("iam", "sts", "ssm"):
    base = os.path.join(DATA, service)
    version = sorted(os.listdir(base))[-1]
    path = os.path.join(base, version, "service-2.json")
    opener = open
    if not os.path.exists(path):
        path += ".gz"
        opener = gzip.open
    with opener(path, "rt") as f:
        model = json.load(f)
    model = strip(model)
    model["metadata"]["botocoreVersion"] = botocore.__version__
    out = os.path.join(ROOT, f"{service}.json")
    with open(out, "w") as f:
        json.dump(model, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"{out}: {len(model['operations'])} operations, {os.path.getsize(out)} bytes", file=sys.stderr)
