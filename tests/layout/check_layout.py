#!/usr/bin/env python3
"""check_layout.py: the layout rules of the tree, checked on the sources and on the built
object files, so that breaking one fails the test suite (CTest entry test_layout).

  1. core/ holds no source file at its top: each library has its folder (core/lib,
     core/store, core/service).
  2. Includes: a folder includes only what it may (RULES below): core/lib never the store
     nor the service, the store never ZeroMQ nor the service, the printer no socket, no
     database and no core beyond core/lib, the tools never the store nor the service.
  3. Links: the objects of each component call only into the components below it
     (DEPENDS below): core/lib's ayni_base calls no ZeroMQ, the store calls no ZeroMQ, the
     printer no ZeroMQ and no SQLite.
  4. Calls: inside a component every call between two files runs one way: no two files
     (or rings of files) call each other, so a program's main only dispatches and what the
     others share lives in a file below them.

Usage: check_layout.py SOURCE_DIR OBJECTS_FILE, where OBJECTS_FILE has one line per
component, "name=obj1;obj2;...", written by tests/CMakeLists.txt.  Prints every broken
rule and exits 1, or prints a one-line summary and exits 0.  Needs nm (binutils).
"""
import os
import re
import subprocess
import sys

# folder -> (header files of these folders may not be included, system headers that may not be)
STORE_OR_SERVICE = ("core/store", "core/service")
RULES = {
    "core/lib": (STORE_OR_SERVICE, ("sqlite3.h",)),
    "core/store": (("core/service",), ("zmq.h",)),
    "printer": (STORE_OR_SERVICE, ("zmq.h", "sqlite3.h")),
    "warehouse": (STORE_OR_SERVICE, ()),
    "scanner-client": (STORE_OR_SERVICE, ()),
    "web": (STORE_OR_SERVICE, ()),
}

# component -> the components (and outside libraries, by symbol prefix) it may call into.
DEPENDS = {
    "ayni_base": ({"ayni_base"}, ()),
    "ayni_proto": ({"ayni_base", "ayni_proto"}, ("zmq_",)),
    "ayni_store": ({"ayni_base", "ayni_store"}, ("sqlite3_",)),
    "ayni_api": ({"ayni_base", "ayni_proto", "ayni_store", "ayni_api"}, ("zmq_", "sqlite3_")),
    "ayni_printer": ({"ayni_base", "ayni_printer"}, ()),
    "ayni_scan": ({"ayni_base", "ayni_proto", "ayni_scan"}, ("zmq_", "sqlite3_")),
    "ayni_warehouse": ({"ayni_base", "ayni_proto", "ayni_printer", "ayni_warehouse"}, ("zmq_",)),
    # ayni-web draws the dashboard's downloads (web_pdf.c) with the printer, as the
    # warehouse tool does: pure rendering, no socket, no database.
    "ayni_web": ({"ayni_base", "ayni_proto", "ayni_printer", "ayni_web"}, ("zmq_",)),
}
# Outside libraries that some components must not reach (the rest, libc and friends, any may).
GUARDED = ("zmq_", "sqlite3_")

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def source_files(root, folder):
    top = os.path.join(root, folder)
    for dirpath, _, names in os.walk(top):
        for n in sorted(names):
            if n.endswith((".c", ".h")):
                yield os.path.join(dirpath, n)


def check_top(root, problems):
    core = os.path.join(root, "core")
    for n in sorted(os.listdir(core)):
        if n.endswith((".c", ".h")):
            problems.append(f"core/{n}: a source file at the top of core/: move it into "
                            "core/lib, core/store or core/service")


def check_includes(root, problems):
    headers = {}  # header name -> folders that have it
    for folder in ("core/lib", "core/store", "core/service"):
        for path in source_files(root, folder):
            if path.endswith(".h"):
                headers.setdefault(os.path.basename(path), set()).add(folder)
    checked = 0
    for folder, (banned_dirs, banned_sys) in RULES.items():
        for path in source_files(root, folder):
            checked += 1
            rel = os.path.relpath(path, root)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            local = {n for n in os.listdir(os.path.dirname(path)) if n.endswith(".h")}
            for m in INCLUDE.finditer(text):
                kind, name = m.groups()
                line = text.count("\n", 0, m.start()) + 1
                base = os.path.basename(name)
                if kind == "<" and name in banned_sys:
                    problems.append(f"{rel}:{line}: includes <{name}>, which {folder}/ must not")
                elif kind == '"' and base not in local:
                    owners = headers.get(base, set()) & set(banned_dirs)
                    if owners:
                        problems.append(f'{rel}:{line}: includes "{name}" of '
                                        f"{'/'.join(sorted(owners))}/, which {folder}/ must not")
    return checked


def symbols(obj):
    out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDBRCGS":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
    return defined, used


def file_cycles(edges):
    """Strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            ring = []
            while True:
                w = stack.pop()
                on.discard(w)
                ring.append(w)
                if w == v:
                    break
            if len(ring) > 1:
                out.append(sorted(ring))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def check_objects(objects_file, problems):
    components = {}
    with open(objects_file, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                name, _, objs = line.partition("=")
                components[name] = [o for o in objs.split(";") if o]
    owner, syms = {}, {}  # symbol -> component; object -> (defined, used)
    for comp, objs in components.items():
        for o in objs:
            syms[o] = symbols(o)
            for s in syms[o][0]:
                owner[s] = comp
    def_file = {s: o for o in syms for s in syms[o][0]}
    for comp, objs in components.items():
        allowed, outside = DEPENDS[comp]
        edges = {}
        for o in objs:
            name = os.path.basename(o).split(".")[0]
            for s in sorted(syms[o][1]):
                target = owner.get(s)
                if target is None:
                    if s.startswith(GUARDED) and not s.startswith(outside):
                        problems.append(f"{comp}: {name}.c calls {s}, an outside library "
                                        f"{comp} must not use")
                elif target not in allowed:
                    problems.append(f"{comp}: {name}.c calls {s} of {target}, which {comp} "
                                    "must not depend on")
                elif target == comp:
                    callee = os.path.basename(def_file[s]).split(".")[0]
                    if callee != name:
                        edges.setdefault(name, {}).setdefault(callee, []).append(s)
        for ring in file_cycles(edges):
            calls = []
            for a in ring:
                for b in sorted(edges.get(a, {})):
                    if b in ring:
                        calls.append(f"{a}.c -> {b}.c ({', '.join(edges[a][b][:3])})")
            problems.append(f"{comp}: files call each other in a ring: {'; '.join(calls)}: "
                            "move what they share into a file below them")
    return len(components), sum(len(v) for v in components.values())


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_layout.py SOURCE_DIR OBJECTS_FILE")
    root, objects_file = sys.argv[1], sys.argv[2]
    problems = []
    check_top(root, problems)
    files = check_includes(root, problems)
    comps, objs = check_objects(objects_file, problems)
    for p in problems:
        print(p)
    if problems:
        print(f"layout: {len(problems)} rule(s) broken (the rules: tests/layout/check_layout.py)")
        return 1
    print(f"layout: {files} source files and {objs} objects of {comps} components follow the rules")
    return 0


if __name__ == "__main__":
    sys.exit(main())
