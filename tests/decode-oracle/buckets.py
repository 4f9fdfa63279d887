#!/usr/bin/env python3
"""Buckets the decode-oracle differential's disagreements by kind, one table per CA version.

    tests/decode-oracle/buckets.py [DIR]   (default: target/decode-oracle)

reads DIR/disagreements-1.NN.jsonl (written by tests/cli/decode_differential.rs: one JSON line
per input where validate's decision or error text differs from the Go oracle's) and prints how
many fall in each kind, with `--examples N` the first N inputs of each kind.
"""
import collections
import json
import pathlib
import re
import sys


def yaml_message(error):
    """go-yaml's message without its `yaml: line N: ` prefix, or None."""
    m = re.search(r"yaml: (?:line -?\d+: )?(.*)", error, re.S)
    return m.group(1) if m else None


def kind(d):
    what, text = d["what"], d["text"]
    ca, ours = d["ca"]["error"], d["validate"]["error"]
    both_fail = not d["ca"]["ok"] and not d["validate"]["ok"]
    looks_json = text.lstrip(" \t\r\n\ufeff").startswith(("{", "["))
    if "\ufeff" in text[1:]:
        return f"{what}: a BOM past the first character (doubled, or inside the text)"
    if "json: offset" in ca or "unexpected EOF" in ca or (
        what == "templates" and "json parse error: invalid character" in ca
    ) or "unexpected end of JSON input" in ca:
        return f"{what}: JSON syntax error (encoding/json's wording)"
    if "did not find expected <document start>" in ours:
        return f"{what}: content after the first document (`...`, dedent): go-yaml reads only the first"
    if "unsupported value" in ca:
        return f"{what}: .inf/.nan (json.Marshal refuses +Inf)"
    if both_fail and yaml_message(ca) is not None and yaml_message(ours) is not None:
        theirs, mine = yaml_message(ca), yaml_message(ours)
        same = theirs == mine or mine.endswith(", " + theirs)
        if "tab" in mine or "tab" in theirs:
            sub = "tabs"
        elif "anchor" in theirs:
            sub = "anchors"
        elif same:
            sub = "same message, other line"
        else:
            sub = f"go-yaml: {theirs[:50]}"
        return f"{what}: YAML syntax wording ({sub})"
    if looks_json and "json" in (ca + ours).lower():
        return f"{what}: JSON-looking input, JSON decoding differs"
    if what == "templates" and not d["ca"]["ok"] and d["validate"]["ok"]:
        return "templates: a Node field CA type-checks and validate does not"
    if d["ca"]["ok"] != d["validate"]["ok"]:
        return f"{what}: other decision (CA ok={d['ca']['ok']})"
    return f"{what}: other wording"


def main():
    args = sys.argv[1:]
    examples = 0
    if "--examples" in args:
        i = args.index("--examples")
        examples = int(args[i + 1])
        del args[i : i + 2]
    root = pathlib.Path(args[0] if args else "target/decode-oracle")
    for path in sorted(root.glob("disagreements-*.jsonl")):
        rows = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
        counts = collections.Counter()
        samples = collections.defaultdict(list)
        for d in rows:
            k = kind(d)
            counts[k] += 1
            samples[k].append(d)
        wording = sum(1 for d in rows if d.get("wordingOnly"))
        print(f"## {path.name}: {len(rows)} ({wording} of them YAML-syntax wording only)")
        for k, n in counts.most_common():
            print(f"{n:6}  {k}")
            for d in samples[k][:examples]:
                print(f"        {d['text']!r}"[:400])
                print(f"        CA:       {d['ca']['error']!r}"[:400])
                print(f"        validate: {d['validate']['error']!r}"[:400])
        print()


if __name__ == "__main__":
    main()
