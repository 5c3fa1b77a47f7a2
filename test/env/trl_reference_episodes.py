"""Drives `firefly serve-env` with TRL's own OpenReward adapter (trl.experimental.openreward):
OpenRewardSpec lists the environment's tools and binds them, with `submit`, as Python methods, as
GRPOTrainer's environment_factory does; each train task's reference trajectory (read from the
dataset's tasks.jsonl) is played through those methods and its answer submitted. Prints one JSON
object: per task, the reward the adapter recorded, and the methods it bound."""
import json
import os
import sys

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
from trl.experimental.openreward import OpenRewardSpec  # noqa: E402

from dataset_rows import rows_by_id  # noqa: E402

url, dataset_dir, env_name = sys.argv[1], sys.argv[2], sys.argv[3]
# The openreward client sends sessions to sessions.<host> unless told where the environment is.
os.environ["OPENREWARD_SESSION_URL"] = url
rows = rows_by_id(dataset_dir)

spec = OpenRewardSpec(url, env_name=env_name, api_key="local")
tasks = [(r["task_index"], r["id"]) for r in spec.train_dataset]
make = spec.environment_factory
report = {"episodes": [], "bound": []}
for index, task_id in tasks:
    env = make()
    if not report["bound"]:
        report["bound"] = sorted(n for n in dir(type(env)) if not n.startswith("_") and callable(getattr(type(env), n)) and n != "reset")
    env.reset(task_index=index)
    row = rows[task_id]
    outputs = []
    for step in row["trajectory"]:
        outputs.append(getattr(env, step["tool"])(**json.loads(step["arguments"])))
    reply = env.submit(answer=json.loads(row["answer"]))
    report["episodes"].append({"id": task_id, "reward": env.reward, "finished": env.finished, "reply": reply, "no_data": sum("no recorded" in o.lower() for o in outputs)})
    env._close()
print(json.dumps(report))
