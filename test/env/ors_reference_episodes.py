"""Drives `firefly serve-env` with the official ORS client (openreward): lists splits and tasks,
runs each task's reference trajectory (read from the dataset's tasks.jsonl, which the client side
of this test knows and the server never reveals) through a session, submits the reference answer,
and a wrong answer in a second session. Prints one JSON object with what it saw."""
import json
import sys

from openreward import OpenReward

from dataset_rows import rows_by_id


url, dataset_dir, env_name = sys.argv[1], sys.argv[2], sys.argv[3]
rows = rows_by_id(dataset_dir)

client = OpenReward(api_key="local")
env = client.environments.get(name=env_name, base_url=url)
splits = env.list_splits()
tasks = {split: env.list_tasks(split=split) for split in splits}
split = "test" if tasks.get("test") else "train"
report = {"splits": splits, "counts": {s: len(t) for s, t in tasks.items()}, "split": split, "episodes": [], "wrong": []}

for task in tasks[split]:
    row = rows[task.task_spec["id"]]
    with env.session(task=task) as session:
        prompt = session.get_prompt()
        tools = [t.name for t in session.list_tools()]
        provenance = []
        for step in row["trajectory"]:
            out = session.call_tool(step["tool"], json.loads(step["arguments"]))
            provenance.append(out.metadata["firefly/provenance"])
            assert out.reward is None and not out.finished
        done = session.call_tool("submit", {"answer": json.loads(row["answer"])})
        after = None
        try:
            session.call_tool(row["trajectory"][0]["tool"], json.loads(row["trajectory"][0]["arguments"]))
        except Exception as error:  # the client raises for a call after the episode finished
            after = type(error).__name__ + ": " + str(error)
        report["episodes"].append({
            "id": row["id"], "prompt_has_instruction": row["instruction"] in prompt[0].text,
            "tools": tools, "offered": [t["name"] for t in row["tools"]], "provenance": provenance,
            "reward": done.reward, "finished": done.finished, "fields": done.metadata["fields"], "after_finish": after,
            "agent_reads": [block.text for block in done.blocks],
        })
    with env.session(task=task) as session:
        wrong = {field: "not the answer" for field in json.loads(row["answer"])}
        out = session.call_tool("submit", {"answer": wrong})
        report["wrong"].append({"reward": out.reward, "finished": out.finished, "agent_reads": [block.text for block in out.blocks]})

print(json.dumps(report))
