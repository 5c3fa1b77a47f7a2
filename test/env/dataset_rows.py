"""The rows of a dataset's tasks.jsonl by task id: what the client side of a test knows of each task."""
import json


def rows_by_id(dataset_dir):
    with open(f"{dataset_dir}/tasks.jsonl") as f:
        return {row["id"]: row for row in (json.loads(line) for line in f if line.strip())}
