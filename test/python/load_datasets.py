"""Loads exported datasets as a trainer would, with Hugging Face `datasets` and pyarrow.

Usage: load_datasets.py FLEET_DIR [SERVER_DIR ...]

- Every JSONL file of FLEET_DIR loads as one dataset, and every row equals the file's JSON line.
- The rl.parquet files of all the directories concatenate into one table (one schema), and each
  table's rows equal its rl.jsonl lines.
Prints one JSON object of counts; exits non-zero, saying why, on the first mismatch.
"""
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import load_dataset

JSONL = ["tasks.jsonl", "sft.openai.jsonl", "sft.anthropic.jsonl", "rl.jsonl"]


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def lines(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def main(fleet, servers):
    counts = {}
    for name in JSONL:
        path = fleet / name
        expected = lines(path)
        loaded = load_dataset("json", data_files=str(path), split="train").to_list()
        if len(loaded) != len(expected):
            fail(f"{path}: {len(loaded)} rows loaded, {len(expected)} in the file")
        for i, (got, want) in enumerate(zip(loaded, expected)):
            if got != want:
                fail(f"{path}: row {i} changed on load:\n  file:   {json.dumps(want)[:400]}\n  loaded: {json.dumps(got)[:400]}")
        counts[name] = len(loaded)
    tables = []
    for directory in [fleet, *servers]:
        table = pq.read_table(directory / "rl.parquet")
        if table.to_pylist() != lines(directory / "rl.jsonl"):
            fail(f"{directory}/rl.parquet: rows differ from rl.jsonl")
        tables.append(table)
    try:
        combined = pa.concat_tables(tables)
    except pa.ArrowInvalid as error:
        fail(f"the rl.parquet files do not concatenate: {error}")
    counts["rl.parquet concatenated"] = combined.num_rows
    print(json.dumps(counts))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        fail(__doc__)
    main(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
