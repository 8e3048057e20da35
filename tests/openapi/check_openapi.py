#!/usr/bin/python3
"""check_openapi.py: docs/openapi.json describes exactly the ops ayni-web offers.

Usage: check_openapi.py SOURCE_DIR.  Reads the allow-list of web/web_api.c (s_allowed) and
fails, naming each, when an allowed op has no POST /api/v1/OP in docs/openapi.json, when the
file has a POST /api/v1/OP for an op not allowed, when the gateway's own endpoints
(POST /api/v1/events.ticket, GET /api/v1/events) are missing, or when the file is not the
OpenAPI 3.0.3 it claims: a $ref that names nothing, a security scheme not declared, an op
without its 200 reply or its operationId.  Python's json only: no validator to install.
"""
import json
import re
import sys


def allowed_ops(source):
    text = open(f"{source}/web/web_api.c", encoding="utf-8").read()
    m = re.search(r"s_allowed\[\]\s*=\s*\{(.*?)\};", text, re.S)
    if not m:
        sys.exit("web/web_api.c: cannot find the allow-list s_allowed[]")
    return set(re.findall(r'"([^"]+)"', m.group(1)))


def refs(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                out.append(v)
            else:
                refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)
    return out


def resolve(doc, ref):
    if not ref.startswith("#/"):
        return False
    node = doc
    for part in ref[2:].split("/"):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "."
    path = f"{source}/docs/openapi.json"
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as e:
        sys.exit(f"{path}: {e}")
    problems = []
    if doc.get("openapi") != "3.0.3":
        problems.append(f"openapi is {doc.get('openapi')!r}, not '3.0.3'")
    paths = doc.get("paths", {})
    prefix = "/api/v1/"
    described = set()
    for p, item in paths.items():
        if p.startswith(prefix) and "post" in item and p != prefix + "events.ticket":
            described.add(p[len(prefix):])
    allowed = allowed_ops(source)
    for op in sorted(allowed - described):
        problems.append(f"op '{op}' is on web/web_api.c's allow-list but has no POST {prefix}{op}")
    for op in sorted(described - allowed):
        problems.append(f"POST {prefix}{op} is described but '{op}' is not on web/web_api.c's allow-list")
    if "post" not in paths.get(prefix + "events.ticket", {}):
        problems.append(f"POST {prefix}events.ticket is not described")
    if "get" not in paths.get(prefix + "events", {}):
        problems.append(f"GET {prefix}events (the event stream) is not described")
    schemes = doc.get("components", {}).get("securitySchemes", {})
    for name in ("deviceSecret", "shareLink"):
        if name not in schemes:
            problems.append(f"security scheme '{name}' is not declared")
    for p, item in paths.items():
        for method, o in item.items():
            where = f"{method.upper()} {p}"
            if "200" not in o.get("responses", {}):
                problems.append(f"{where} has no 200 reply")
            if method == "post" and p.startswith(prefix) and o.get("operationId") != p[len(prefix):]:
                problems.append(f"{where}: operationId is {o.get('operationId')!r}")
            for req in o.get("security", []):
                for name in req:
                    if name not in schemes:
                        problems.append(f"{where} names security scheme '{name}', not declared")
    for ref in sorted(set(refs(doc, []))):
        if not resolve(doc, ref):
            problems.append(f"$ref '{ref}' names nothing in the file")
    for p in problems:
        print(f"docs/openapi.json: {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"docs/openapi.json: {len(described)} ops, the allow-list's exactly")


main()
