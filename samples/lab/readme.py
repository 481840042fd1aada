#!/usr/bin/env python3
"""Insert or replace one sample's row in the samples table of samples/README.md.

usage: readme.py README NAME ORDER ROW
  README  path of samples/README.md (must hold the markers below)
  NAME    sample name (the row is the line starting with '| `NAME` |')
  ORDER   comma-separated sample names in lab order (rows are kept in this order)
  ROW     the full markdown table row
"""
import sys

BEGIN = "<!-- lab:samples:begin -->"
END = "<!-- lab:samples:end -->"


def key(line):
    if not line.startswith("| `"):
        return None
    return line[3:].split("`", 1)[0]


def main():
    path, name, order, row = sys.argv[1:5]
    order = order.split(",")
    text = open(path, encoding="utf-8").read()
    if BEGIN not in text or END not in text:
        sys.exit("readme.py: markers missing in " + path)
    head, rest = text.split(BEGIN, 1)
    body, tail = rest.split(END, 1)
    lines = [l for l in body.strip("\n").split("\n") if l.strip()]
    header = [l for l in lines if key(l) is None]
    rows = {key(l): l for l in lines if key(l) is not None}
    rows[name] = row
    rank = {n: i for i, n in enumerate(order)}
    ordered = sorted(rows, key=lambda n: (rank.get(n, len(rank)), n))
    body = "\n".join(header + [rows[n] for n in ordered])
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "\n" + body + "\n" + END + tail)


if __name__ == "__main__":
    main()
