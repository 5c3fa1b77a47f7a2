/**
 * The DDL of a simulator cache file. cache-file.ts documents the tables and CACHE-FORMAT.md does
 * so for readers outside this project: keep all three in step, and raise CACHE_FORMAT_VERSION on
 * any change a reader could notice.
 */
export const CACHE_FORMAT = 'firefly-simulator-cache';
export const CACHE_FORMAT_VERSION = 2;
/** The file name a dataset ships its cache under. */
export const SIMULATOR_CACHE_FILE = 'simulator.sqlite';

export const CACHE_TABLES = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE tools (
  ordinal            INTEGER PRIMARY KEY,
  name               TEXT NOT NULL UNIQUE,
  description        TEXT NOT NULL,
  input_schema_json  TEXT NOT NULL,
  output_schema_json TEXT,
  annotations_json   TEXT
);
CREATE TABLE setup (
  ordinal        INTEGER PRIMARY KEY,
  tool           TEXT NOT NULL,
  arguments_json TEXT NOT NULL
);
CREATE TABLE calls (
  id                  INTEGER PRIMARY KEY,
  tool                TEXT NOT NULL,
  arguments_json      TEXT NOT NULL,
  arguments_canonical TEXT NOT NULL,
  state_key           TEXT NOT NULL,
  state_after         TEXT NOT NULL,
  result_json         TEXT NOT NULL,
  is_error            INTEGER NOT NULL CHECK (is_error IN (0, 1)),
  phase               TEXT NOT NULL,
  run_id              TEXT NOT NULL,
  sub_dag_index       INTEGER NOT NULL,
  step                INTEGER NOT NULL
);
CREATE INDEX calls_exact ON calls (tool, arguments_canonical, state_key);
CREATE TABLE generated (
  tool                TEXT NOT NULL,
  arguments_canonical TEXT NOT NULL,
  state_key           TEXT NOT NULL,
  model               TEXT NOT NULL,
  result_json         TEXT NOT NULL,
  is_error            INTEGER NOT NULL DEFAULT 0 CHECK (is_error IN (0, 1)),
  examples_json       TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (tool, arguments_canonical, state_key)
);
`;
