"""TRL GRPO against `firefly serve-env`, through the official ORS client (pip install openreward trl).

    npm run serve-env -- --dataset DIR                         # prints URL
    python examples/training/trl_ors_rollout.py URL DIR --check   # reference completions: reward 1 each
    python examples/training/trl_ors_rollout.py URL DIR --model Qwen/Qwen3-4B   # GRPO (needs trl, a GPU)

The reward function runs each completion in its own ORS session: every line of the completion that
is a JSON object {"tool": name, "arguments": {...}} is a tool call answered by the simulator, and
{"answer": {...}} submits. The reward is the environment's (binary, only from submit); the answer
stays on the server. Multi-turn rollouts (tool results fed back to the model) follow the same
session calls; see mcp_episode_rollout.py for that loop.
"""
import json
import sys

from openreward import OpenReward


def episode_reward(env, task, completion):
    with env.session(task=task) as session:
        for line in completion.splitlines():
            try:
                step = json.loads(line)
            except ValueError:
                continue
            if not isinstance(step, dict):
                continue
            if "answer" in step:
                return session.call_tool("submit", {"answer": step["answer"]}).reward or 0.0
            if "tool" in step:
                try:
                    session.call_tool(step["tool"], step.get("arguments", {}))
                except Exception:  # invalid arguments, unknown tool: the episode goes on
                    pass
    return 0.0


def make_reward(url, env_name):
    env = OpenReward(api_key="local").environments.get(name=env_name, base_url=url)
    tasks = {t.task_spec["id"]: t for split in env.list_splits() for t in env.list_tasks(split=split)}

    def ors_reward(completions, task_id, **_columns):
        texts = [c if isinstance(c, str) else c[-1]["content"] for c in completions]
        return [episode_reward(env, tasks[tid], text) for text, tid in zip(texts, task_id)]

    return ors_reward


def rows_of(dataset_dir):
    return [json.loads(line) for line in open(f"{dataset_dir}/tasks.jsonl") if line.strip()]


if __name__ == "__main__":
    url, dataset_dir = sys.argv[1], sys.argv[2]
    rows = rows_of(dataset_dir)
    env_name = json.load(open(f"{dataset_dir}/manifest.json"))["server"].lower()
    reward = make_reward(url, env_name)
    if "--check" in sys.argv:
        completions = ["\n".join([json.dumps({"tool": s["tool"], "arguments": json.loads(s["arguments"])}) for s in r["trajectory"]] + [json.dumps({"answer": json.loads(r["answer"])})]) for r in rows]
        rewards = reward(completions, [r["id"] for r in rows])
        print(json.dumps({"completions": len(rewards), "mean_reward": sum(rewards) / len(rewards)}))
        sys.exit(0)
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    prompts = [json.loads(line) for line in open(f"{dataset_dir}/rl.jsonl") if line.strip()]
    train = Dataset.from_list([{"prompt": p["prompt"], "task_id": p["extra_info"]["task_id"]} for p in prompts])
    model = sys.argv[sys.argv.index("--model") + 1] if "--model" in sys.argv else "Qwen/Qwen3-4B"
    trainer = GRPOTrainer(model=model, reward_funcs=reward, train_dataset=train, args=GRPOConfig(output_dir="data/grpo", num_generations=8))
    trainer.train()
