#!/usr/bin/python3
"""fetch.py: dump every dispatched shipment, as aynid's shipment.get returns it, to a file.

The input of the slip benchmarks that only render (bench/peer/slips.py and ayni-bench-draw):
they read this file before their clocks start, so that they measure drawing alone.  Talks
to aynid's request API directly with pyzmq (python3-zmq), as docs/PROTOCOL.md describes;
aynid must run --insecure (the benchmarks' loopback set-up).

usage: fetch.py ENDPOINT OUT.json     (e.g. ipc:///tmp/ayni-bench-api shipments.json)
Writes a JSON array of shipments in shipment.list order.  Exit 1 with a message on stderr
if aynid does not answer in 10 s or refuses a request.
"""
import json
import sys

import zmq


def call(sock, n, op, args):
    sock.send(json.dumps({"v": 1, "id": n, "op": op, "args": args}).encode("utf-8"))
    if not sock.poll(10000):
        sys.exit(f"fetch.py: no answer from aynid to {op} in 10 s")
    reply = json.loads(sock.recv())
    if not reply.get("ok"):
        sys.exit(f"fetch.py: {op} refused: {reply.get('error', {}).get('message')}")
    return reply["result"]


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: fetch.py ENDPOINT OUT.json")
    endpoint, out = sys.argv[1], sys.argv[2]
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.connect(endpoint)
    listed = call(sock, 0, "shipment.list", {"state": "dispatched"})
    shipments = [call(sock, i + 1, "shipment.get", {"shipment": s["code"]})
                 for i, s in enumerate(listed)]
    with open(out, "w", encoding="utf-8") as f:
        json.dump(shipments, f, ensure_ascii=False)
    print(f"fetch.py: {len(shipments)} shipments in {out}", file=sys.stderr)
    sock.close()
    ctx.term()


if __name__ == "__main__":
    main()
