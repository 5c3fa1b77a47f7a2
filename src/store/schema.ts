/** Tables of the embedded store. JSON columns hold the shapes of ../domain.ts. */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  run_id TEXT PRIMARY KEY,
  server_name TEXT NOT NULL,
  spec_json TEXT NOT NULL,
  options_json TEXT NOT NULL,
  planner TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE IF NOT EXISTS tools (
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  tool_json TEXT NOT NULL,
  usable INTEGER NOT NULL,
  skip_reason TEXT,
  PRIMARY KEY (run_id, name)
);
CREATE TABLE IF NOT EXISTS tool_profiles (
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  PRIMARY KEY (run_id, name)
);
CREATE TABLE IF NOT EXISTS edges (
  run_id TEXT NOT NULL,
  from_tool TEXT NOT NULL,
  to_tool TEXT NOT NULL,
  confidence TEXT NOT NULL,
  edge_json TEXT NOT NULL,
  PRIMARY KEY (run_id, from_tool, to_tool)
);
CREATE TABLE IF NOT EXISTS sub_dags (
  run_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  key TEXT NOT NULL,
  sub_dag_json TEXT NOT NULL,
  PRIMARY KEY (run_id, idx)
);
CREATE TABLE IF NOT EXISTS calls (
  run_id TEXT NOT NULL,
  sub_dag_idx INTEGER NOT NULL,
  step INTEGER NOT NULL,
  phase TEXT NOT NULL,
  tool TEXT NOT NULL,
  arguments_json TEXT NOT NULL,
  result_json TEXT NOT NULL,
  is_error INTEGER NOT NULL,
  error_kind TEXT,
  latency_ms REAL NOT NULL,
  links_json TEXT NOT NULL,
  planner TEXT NOT NULL,
  recorded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (run_id, sub_dag_idx, step)
);
CREATE INDEX IF NOT EXISTS calls_by_tool ON calls (run_id, tool);
CREATE TABLE IF NOT EXISTS episodes (
  run_id TEXT NOT NULL,
  sub_dag_idx INTEGER NOT NULL,
  status TEXT NOT NULL,
  planner TEXT NOT NULL,
  calls INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  linked_calls INTEGER NOT NULL,
  error TEXT,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (run_id, sub_dag_idx)
);
CREATE TABLE IF NOT EXISTS sandbox_snapshots (
  run_id TEXT NOT NULL,
  sub_dag_idx INTEGER NOT NULL,
  next_step INTEGER NOT NULL,
  archive BLOB NOT NULL,
  PRIMARY KEY (run_id, sub_dag_idx, next_step)
);
CREATE TABLE IF NOT EXISTS tasks (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  sub_dag_idx INTEGER NOT NULL,
  task_json TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
);
CREATE TABLE IF NOT EXISTS synthesized (
  run_id TEXT NOT NULL,
  sub_dag_idx INTEGER NOT NULL,
  candidates INTEGER NOT NULL,
  PRIMARY KEY (run_id, sub_dag_idx)
);
CREATE TABLE IF NOT EXISTS verdicts (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  check_name TEXT NOT NULL,
  passed INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, check_name)
);
CREATE TABLE IF NOT EXISTS llm_usage (
  run_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  model TEXT NOT NULL,
  calls INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_tokens INTEGER NOT NULL,
  PRIMARY KEY (run_id, stage, model)
);
CREATE TABLE IF NOT EXISTS simulator_generated (
  run_id TEXT NOT NULL,
  tool TEXT NOT NULL,
  arguments_canonical TEXT NOT NULL,
  state_key TEXT NOT NULL,
  answer_json TEXT NOT NULL,
  PRIMARY KEY (run_id, tool, arguments_canonical, state_key)
);
CREATE TABLE IF NOT EXISTS llm_answers (
  run_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  subject TEXT NOT NULL,
  answer_json TEXT NOT NULL,
  PRIMARY KEY (run_id, stage, subject)
);
CREATE TABLE IF NOT EXISTS live_repeats (
  run_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  round INTEGER NOT NULL,
  started_at_ms INTEGER NOT NULL,
  wall_ms REAL NOT NULL,
  calls_json TEXT NOT NULL,
  PRIMARY KEY (run_id, subject, round)
);
CREATE TABLE IF NOT EXISTS audit_results (
  run_id TEXT NOT NULL,
  audit_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  holds INTEGER NOT NULL,
  reason TEXT NOT NULL,
  audited_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (run_id, audit_id, task_id)
);
CREATE TABLE IF NOT EXISTS llm_rejections (
  run_id TEXT NOT NULL,
  stage TEXT NOT NULL,
  subject TEXT NOT NULL,
  reason TEXT NOT NULL,
  detail_json TEXT NOT NULL,
  PRIMARY KEY (run_id, stage, subject)
);
`;
