"""One RL rollout per episode over per-episode MCP: the shape verl's and SkyRL's MCP tool
integrations take (the trainer owns the episode and the reward, the agent sees only an MCP URL).

    npm run serve-env -- --dataset DIR          # prints URL
    python examples/training/mcp_episode_rollout.py URL DIR   # replays every task's reference trajectory

Plug your policy in at `policy_step`; this file needs only the Python standard library, since the
episode endpoint is stateless streamable HTTP answering JSON (any MCP client works as well).
"""
import json
import sys
import urllib.request

ACCEPT = {"content-type": "application/json", "accept": "application/json, text/event-stream"}


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers=ACCEPT, method="POST")
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"{}")


class Episode:
    """What the trainer holds: the episode id, its MCP URL for the agent, and the submit route."""

    def __init__(self, base_url, task_id):
        created = post(f"{base_url}/episodes", {"task_id": task_id})
        self.base_url, self.id, self.mcp_url, self.prompt = base_url, created["episode_id"], created["mcp_url"], created["prompt"]
        self._next = 0
        self.rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "rollout", "version": "1"}})

    def rpc(self, method, params):
        self._next += 1
        answer = post(self.mcp_url, {"jsonrpc": "2.0", "id": self._next, "method": method, "params": params})
        if "error" in answer:
            raise RuntimeError(answer["error"]["message"])
        return answer["result"]

    def tools(self):
        return self.rpc("tools/list", {})["tools"]

    def call(self, name, arguments):
        return self.rpc("tools/call", {"name": name, "arguments": arguments})

    def submit(self, answer):
        return post(f"{self.base_url}/episodes/{self.id}/submit", {"answer": answer})


def rollout(base_url, task_id, policy_step):
    """Runs one episode: the policy sees the prompt, the tools and every result, and returns either
    ("call", name, arguments) or ("answer", answer_object). Returns the reward."""
    episode = Episode(base_url, task_id)
    history = [{"role": "user", "content": episode.prompt}]
    tools = episode.tools()
    while True:
        action = policy_step(history, tools)
        if action[0] == "answer":
            return episode.submit(action[1])["reward"]
        result = episode.call(action[1], action[2])
        history.append({"role": "tool", "name": action[1], "content": json.dumps(result.get("content"))})


def reference_policy(row):
    """Stands in for a model: the dataset's reference trajectory, then its answer."""
    steps = iter(row["trajectory"])

    def step(_history, _tools):
        nxt = next(steps, None)
        return ("answer", json.loads(row["answer"])) if nxt is None else ("call", nxt["tool"], json.loads(nxt["arguments"]))

    return step


if __name__ == "__main__":
    base_url, dataset_dir = sys.argv[1], sys.argv[2]
    rows = [json.loads(line) for line in open(f"{dataset_dir}/tasks.jsonl") if line.strip()]
    rewards = [rollout(base_url, row["id"], reference_policy(row)) for row in rows]
    print(json.dumps({"episodes": len(rewards), "mean_reward": sum(rewards) / len(rewards)}))
