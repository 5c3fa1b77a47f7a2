import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { JsonObject, JsonValue } from '../domain.js';
import { isJsonObject } from '../json.js';
import { bearerChecker, isLoopbackHost, originProblem, tokenProblem } from '../simulator/http-access.js';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../simulator/jsonrpc-check.js';
import { header, hostnameOf, listen, replyJson } from '../simulator/serve-http.js';
import { DEFAULT_IDLE_MINUTES, DEFAULT_MAX_SESSIONS_PER_CLIENT, SessionTable } from '../simulator/session-table.js';
import type { Simulator } from '../simulator/simulator.js';
import { environmentsOf, SPLITS, type EnvDataset, type EnvTask } from './env-dataset.js';
import { EnvEpisode, SUBMIT_ARGUMENT, SUBMIT_TOOL, submitReply } from './env-episode.js';
import { episodeRoute } from './episode-routes.js';
import { HttpProblem, objectBody, promptText, taskAt, taskFrom, tasksOf, type RouteContext } from './env-requests.js';
import { toolOutput } from './tool-output.js';

export interface EnvServerOptions {
  /** Default 127.0.0.1; any other address needs a token. */
  host?: string;
  port?: number;
  /** When set, every request must carry it as `Authorization: Bearer` or `X-API-Key` (the ORS client's header). */
  token?: string;
  /** An episode nobody used for this long ends, its state freed (default 15 minutes). */
  idleMs?: number;
  maxEpisodesPerClient?: number;
  maxMessageBytes?: number;
  /** The environment bare routes serve (default: the whole dataset); every one answers under `/{name}/` too. */
  environment?: string;
  log?: (line: string) => void;
}

export interface EnvServing {
  url: string;
  port: number;
  episodeCount(): number;
  close(): Promise<void>;
}



/**
 * Serves a dataset as an Open Reward Standard environment: the routes of the ORS reference server
 * (splits, tasks, a session per episode created from a task, its prompt and tools, tool calls
 * answered by the simulator over server-sent events, a binary reward only from `submit`, which
 * ends the episode), bare or under `/{environment}/`, plus per-episode MCP (episode-routes.ts).
 */
export async function serveEnv(dataset: EnvDataset, simulator: Simulator, options: EnvServerOptions = {}): Promise<EnvServing> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => undefined);
  const loopback = isLoopbackHost(host);
  if (options.token !== undefined) {
    const problem = tokenProblem(options.token, 'the token');
    if (problem) throw new Error(`serveEnv: ${problem}`);
  } else if (!loopback) {
    throw new Error(`serveEnv: host ${host} is not a loopback address and no token is set: give a token, or bind 127.0.0.1`);
  }
  const authorized = options.token === undefined ? undefined : bearerChecker(options.token);
  const environments = new Map(environmentsOf(dataset).map((e) => [e.name, e]));
  const bare = environments.get(options.environment ?? dataset.name);
  if (!bare) throw new Error(`serveEnv: environment ${JSON.stringify(options.environment)} is not in this dataset: give one of ${[...environments.keys()].join(', ')}`);
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MINUTES * 60_000;
  const episodes = new SessionTable<EnvEpisode>({
    idleMs,
    maxPerClient: options.maxEpisodesPerClient ?? DEFAULT_MAX_SESSIONS_PER_CLIENT,
    onEnd: (_episode, why) => void (why === 'expired' && log(`an episode ended after ${Math.round(idleMs / 1000)} s unused`)),
  });
  let baseUrl = '';

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const key = header(req, 'x-api-key');
    if (authorized && !authorized(header(req, 'authorization')) && !authorized(key === undefined ? undefined : `Bearer ${key}`)) {
      throw new HttpProblem(401, 'missing or wrong token: send Authorization: Bearer <token> (or X-API-Key), the token the server was started with');
    }
    if (loopback && !isLoopbackHost(hostnameOf(req.headers.host))) throw new HttpProblem(403, `Host ${req.headers.host ?? '(none)'} refused: this server answers loopback hosts only`);
    const badOrigin = originProblem(header(req, 'origin'), req.headers.host);
    if (badOrigin) throw new HttpProblem(403, badOrigin);
    const segments = new URL(req.url ?? '/', 'http://localhost').pathname.split('/').filter(Boolean);
    const context: RouteContext = { dataset, simulator, episodes, baseUrl, client: req.socket.remoteAddress ?? 'unknown', maxBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, log, environments: [...environments.keys()] };
    if (segments[0] === 'episodes') return episodeRoute(segments.slice(1), req, res, context);
    // Environment routes answer bare too, as the reference server does for its first environment.
    const named = environments.get(segments[0]?.toLowerCase() ?? '');
    const path = named ? segments.slice(1) : segments;
    context.dataset = named ?? bare;
    const body = req.method === 'POST' ? await objectBody(req, context.maxBytes) : {};
    const route = `${req.method} /${path.join('/')}`;
    const sse = route === 'POST /call' || route === 'POST /create_session';
    const answer = await orsRoute(route, body, req, context);
    if (sse) return sendEvents(res, answer as { id: string; result: JsonValue | '' });
    return replyJson(res, 200, answer);
  };

  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpProblem ? error.status : 500;
      if (status === 500) log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) replyJson(res, status, { detail: error instanceof Error ? error.message : String(error) });
      else res.end();
    });
  });
  const { port, origin } = await listen(http, host, options.port ?? 0, log);
  baseUrl = origin;
  return {
    url: baseUrl,
    port,
    episodeCount: () => episodes.size,
    async close() {
      episodes.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function orsRoute(route: string, body: JsonObject, req: IncomingMessage, context: RouteContext): Promise<JsonValue | { id: string; result: JsonValue | '' }> {
  const { dataset } = context;
  const sid = () => {
    const id = header(req, 'x-session-id')?.trim();
    if (!id) throw new HttpProblem(400, 'X-Session-ID header is required: create a session first (POST /create_session)');
    return id;
  };
  const episode = () => {
    const found = context.episodes.use(sid());
    if (!found) throw new HttpProblem(404, `Active environment not found: session ${sid()} ended, expired or was never created (POST /create)`);
    return found;
  };
  switch (route) {
    case 'GET /health':
      return { status: 'ok' };
    case 'GET /version':
      return { version: 'firefly-env', build_sha: null };
    case 'GET /list_environments':
      return context.environments;
    case 'GET /splits':
      return SPLITS.map((name) => ({ name, type: name }));
    case 'POST /tasks':
      return { tasks: tasksOf(dataset, body.split).map(taskSpec), env_name: dataset.name };
    case 'POST /num_tasks':
      return { num_tasks: tasksOf(dataset, body.split).length };
    case 'POST /task':
      return { task: taskSpec(taskAt(dataset, body.split, body.index)), env_name: dataset.name };
    case 'POST /task_range': {
      const tasks = tasksOf(dataset, body.split);
      const start = typeof body.start === 'number' ? body.start : undefined;
      const stop = typeof body.stop === 'number' ? body.stop : undefined;
      return { tasks: tasks.slice(start, stop).map(taskSpec), env_name: dataset.name };
    }
    case 'GET /tools':
      return { tools: [...new Map(dataset.tasks.flatMap((t) => t.tools.map((tool) => [tool.name, tool] as const))).values()].map(({ name, definition }) => toolSpec(name, definition.description, definition.inputSchema)).concat([submitSpec({ type: 'object', description: 'the fields the task asks for' })]) };
    case 'POST /create_session':
      return { id: randomUUID(), result: '' };
    case 'POST /delete_session':
      return { sid: sid() };
    case 'POST /create': {
      const id = sid();
      if (context.episodes.use(id)) throw new HttpProblem(400, `Session already exists: ${id}`);
      if (!context.episodes.hasRoomFor(context.client)) throw new HttpProblem(503, 'this client holds the most episodes it may: delete some (POST /delete) or wait for idle ones to expire');
      context.episodes.add(id, context.client, new EnvEpisode(taskFrom(dataset, body), context.simulator));
      return { sid: id };
    }
    case 'POST /delete': {
      const id = sid();
      context.episodes.delete(id);
      return { sid: id };
    }
    case 'POST /ping':
      episode();
      return { status: 'ok' };
    case 'GET /prompt':
      return [{ type: 'text', text: promptText(episode().task) }];
    case 'GET /task_tools': {
      const current = episode();
      return { tools: current.tools().map((t) => toolSpec(t.name, t.description, t.inputSchema)).concat([submitSpec(current.task.answerSchema as JsonObject)]) };
    }
    case 'POST /call': {
      const current = episode();
      return { id: randomUUID(), result: await callResult(current, body) };
    }
    default:
      throw new HttpProblem(404, `not found: ${route} (the routes are those of the Open Reward Standard, bare or under /${dataset.name}/, and /episodes/…)`);
  }
}

/** A tool call's RunToolOutput: `{ ok: true, output }`, or `{ ok: false, error, reason }` as the ORS client reads them. */
async function callResult(episode: EnvEpisode, body: JsonObject): Promise<JsonObject> {
  const name = body.name;
  const input = body.input ?? {};
  if (typeof name !== 'string') return { ok: false, error: 'name is missing: give the name of one of the task tools', reason: 'input_validation' };
  if (!isJsonObject(input)) return { ok: false, error: 'input is not an object: give the tool arguments as an object', reason: 'input_validation' };
  if (episode.finished) return { ok: false, error: 'the episode is finished: its answer was submitted; create a new session for another attempt', reason: 'episode_finished' };
  if (name === SUBMIT_TOOL) {
    const answer = input[SUBMIT_ARGUMENT];
    if (!isJsonObject(answer)) return { ok: false, error: `${SUBMIT_TOOL} takes the answer object as ${JSON.stringify(SUBMIT_ARGUMENT)}: { "${SUBMIT_ARGUMENT}": { …the fields the prompt asks for… } }`, reason: 'input_validation' };
    const verdict = episode.submit(answer);
    // The agent reads the blocks; the per-field detail is the trainer's (metadata), never the agent's.
    const reply = submitReply(verdict);
    return { ok: true, output: { blocks: [{ type: 'text', text: reply.text }], metadata: reply.detail, reward: verdict.reward, finished: true } };
  }
  if (!episode.knows(name)) return { ok: false, error: `unknown tool ${name}: this task's tools are ${[...episode.tools().map((t) => t.name), SUBMIT_TOOL].join(', ')}`, reason: 'not_found' };
  const answer = await episode.call(name, input);
  if (answer.invalidArguments !== undefined) return { ok: false, error: `invalid arguments for ${name}: ${answer.invalidArguments}`, reason: 'input_validation' };
  return { ok: true, output: toolOutput(answer) };
}


/** What a task is to a client: its id and split, never its answer. */
const taskSpec = (task: EnvTask): JsonObject => ({ id: task.id, split: task.split });

const toolSpec = (name: string, description: string, schema: unknown) => ({ name, description, input_schema: schema as JsonObject });
/** One signature for every task (an adapter binds it once per environment): the answer object under `answer`. */
const submitSpec = (answerSchema: JsonObject) =>
  toolSpec(SUBMIT_TOOL, 'Submit your answer: the object the task asks for, as `answer`. This ends the episode.', { type: 'object', properties: { [SUBMIT_ARGUMENT]: answerSchema }, required: [SUBMIT_ARGUMENT], additionalProperties: false });





/** The reference server's event stream: the task id, then the result as the `end` event (chunked like it). */
function sendEvents(res: ServerResponse, answer: { id: string; result: JsonValue | '' }): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`event: task_id\ndata: ${answer.id}\n\n`);
  const text = answer.result === '' ? '' : JSON.stringify(answer.result);
  const pieces = text.match(/[\s\S]{1,4096}/g) ?? [''];
  pieces.forEach((piece, i) => res.write(`event: ${i === pieces.length - 1 ? 'end' : 'chunk'}\ndata: ${piece}\n\n`));
  res.end();
}
