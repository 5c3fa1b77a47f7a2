import type { PreparedTask } from './prepared-task.js';

/** The figures the FireFly paper reports for its dataset, to read ours against. */
export const PAPER_FIGURES = {
  tasks: 5_144,
  train: 4_944,
  test: 200,
  servers: 240,
  tools: 993,
  meanCallsPerTask: 3.0,
  meanAnswerFields: 4.6,
  mediumShare: 0.77,
  crossServerShare: 0.385,
} as const;

/** The method's statistics of one dataset, as the paper reports them for its own. */
export interface MethodFigures {
  tasks: number;
  train: number;
  test: number;
  /** Servers and tools that at least one task calls. */
  servers: number;
  tools: number;
  meanCallsPerTask: number;
  /** Tasks by number of calls: `callsHistogram[n]` tasks make n calls (index 0 unused). */
  callsHistogram: number[];
  meanAnswerFields: number;
  difficultyShares: { easy: number; medium: number; hard: number };
  /**
   * Tasks that pass a value from one server's output into another server's call, and their share:
   * what the method means by a cross-server task. Tasks that call two servers with nothing crossing
   * between them are counted apart.
   */
  crossServerTasks: number;
  crossServerShare: number;
  crossServerUnlinked: number;
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

export function methodFigures(prepared: readonly PreparedTask[]): MethodFigures {
  const n = prepared.length;
  const share = (count: number) => (n === 0 ? 0 : round(count / n));
  const calls = prepared.map((p) => p.steps.length);
  const histogram = Array.from({ length: Math.max(0, ...calls) + 1 }, (_, k) => calls.filter((c) => c === k).length);
  const crossServer = prepared.filter((p) => crossServerLink(p) === 'linked').length;
  return {
    tasks: n,
    train: prepared.filter((p) => p.split === 'train').length,
    test: prepared.filter((p) => p.split === 'test').length,
    servers: new Set(prepared.flatMap((p) => p.servers)).size,
    tools: new Set(prepared.flatMap((p) => p.steps.map((s) => s.tool.qualified))).size,
    meanCallsPerTask: share(calls.reduce((a, b) => a + b, 0)),
    callsHistogram: histogram,
    meanAnswerFields: share(prepared.reduce((sum, p) => sum + p.task.groundTruth.length, 0)),
    difficultyShares: {
      easy: share(prepared.filter((p) => p.task.difficulty === 'easy').length),
      medium: share(prepared.filter((p) => p.task.difficulty === 'medium').length),
      hard: share(prepared.filter((p) => p.task.difficulty === 'hard').length),
    },
    crossServerTasks: crossServer,
    crossServerShare: share(crossServer),
    crossServerUnlinked: prepared.filter((p) => crossServerLink(p) === 'unlinked').length,
  };
}

/**
 * For a task of several servers: `linked` when a step takes an argument from the output of a step
 * on another server, else `unlinked`; null for a task of one server.
 */
export function crossServerLink(prepared: Pick<PreparedTask, 'servers' | 'steps'>): 'linked' | 'unlinked' | null {
  if (prepared.servers.length < 2) return null;
  const crosses = prepared.steps.some((step) => step.recorded.links.some((link) => prepared.steps[link.fromTrajectoryStep]?.tool.server !== step.tool.server));
  return crosses ? 'linked' : 'unlinked';
}

/** The card's section: our figures beside the paper's, and the calls-per-task histogram. */
export function methodFiguresSection(figures: MethodFigures): string {
  const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
  const P = PAPER_FIGURES;
  const rows: Array<[string, string, string]> = [
    ['verified tasks', String(figures.tasks), String(P.tasks)],
    ['train / test', `${figures.train} / ${figures.test}`, `${P.train} / ${P.test}`],
    ['servers covered', String(figures.servers), String(P.servers)],
    ['tools covered', String(figures.tools), String(P.tools)],
    ['mean calls per task', String(figures.meanCallsPerTask), P.meanCallsPerTask.toFixed(1)],
    ['mean answer fields per task', String(figures.meanAnswerFields), String(P.meanAnswerFields)],
    ['easy / medium / hard', `${pct(figures.difficultyShares.easy)} / ${pct(figures.difficultyShares.medium)} / ${pct(figures.difficultyShares.hard)}`, `? / ${pct(P.mediumShare)} / ?`],
    [
      'cross-server tasks (a value passed between servers)',
      `${figures.crossServerTasks} (${pct(figures.crossServerShare)})${figures.crossServerUnlinked > 0 ? `; ${figures.crossServerUnlinked} more call several servers with nothing passed` : ''}`,
      pct(P.crossServerShare),
    ],
  ];
  const histogram = figures.callsHistogram
    .map((count, calls) => ({ calls, count }))
    .filter(({ calls }) => calls > 0)
    .map(({ calls, count }) => `| ${calls} | ${count} | ${'█'.repeat(figures.tasks === 0 ? 0 : Math.round((count / figures.tasks) * 40))} |`);
  return `
## The method's figures

| figure | this dataset | FireFly paper |
|---|---|---|
${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}

Calls per task:

| calls | tasks | |
|---|---|---|
${histogram.join('\n')}
`;
}
