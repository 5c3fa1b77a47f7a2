/* report.html's own script: draws the dataset's figures from the JSON in #report-data with the
   inlined Chart.js and Cytoscape. Runs offline; nothing here fetches. */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const paper = JSON.parse(document.getElementById('paper-figures').textContent);
  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined) node.setAttribute(k, v);
    for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  };
  const fmt = (n, digits = 0) => Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const pct = (n) => `${fmt(100 * n, 1)}%`;
  const mean = (xs) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  const colors = { accent: '#2f6fde', ok: '#1f9d6b', warn: '#d9822b', bad: '#d64545', muted: '#9aa3b2', faint: '#d5dae3' };
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.plugins.legend.display = false;

  const servers = data.servers;
  const total = (key) => servers.reduce((n, s) => n + s.funnel[key], 0);

  // Header and headline figures.
  $('title').textContent = `FireFly dataset: ${data.title}`;
  $('subtitle').textContent = `${servers.map((s) => s.server).join(', ')} · planner ${[...new Set(servers.map((s) => s.planner))].join(', ')} · pipeline ${data.pipelineVersion}`;
  const callsPerTask = data.tasks.map((t) => t.trajectory.length);
  const fieldsPerTask = data.tasks.map((t) => Object.keys(t.answer).length);
  const kpis = [
    [fmt(total('tools')), 'tools'],
    [fmt(total('edges')), 'graph edges'],
    [fmt(total('episodes')), 'episodes'],
    [fmt(total('calls')), 'live calls'],
    [fmt(total('candidates')), 'candidate tasks'],
    [fmt(total('exported')), 'tasks in the dataset'],
    [fmt(mean(callsPerTask), 2), `calls per task (paper ${fmt(paper.meanCallsPerTask, 1)})`],
    [fmt(mean(fieldsPerTask), 2), `answer fields (paper ${fmt(paper.meanAnswerFields, 1)})`],
  ];
  $('kpis').append(...kpis.map(([value, label]) => el('div', { class: 'kpi' }, el('b', {}, value), el('span', {}, label))));

  // Funnel: every step counts what survived the one before, summed over servers.
  const steps = [
    ['tools', 'tools'], ['usable', 'usable'], ['edges', 'edges'], ['subDags', 'sub-DAGs'], ['episodes', 'episodes'],
    ['calls', 'calls'], ['candidates', 'candidates'], ['verified', 'verified'], ['exported', 'exported'],
  ];
  const funnelTable = $('funnel-values');
  for (const [key, label] of steps) funnelTable.append(el('tr', { 'data-step': key }, el('td', {}, label), el('td', { class: 'num' }, fmt(total(key)))));
  new Chart($('funnel-chart'), {
    type: 'bar',
    data: { labels: steps.map((s) => s[1]), datasets: [{ data: steps.map(([key]) => total(key)), backgroundColor: steps.map(([key]) => (key === 'verified' || key === 'exported' ? colors.ok : colors.accent)) }] },
    options: { indexAxis: 'y', maintainAspectRatio: false, scales: { x: { type: 'logarithmic', title: { display: true, text: 'count (log scale)' } } } },
  });

  // Rejections per check, with examples of the candidates each refused.
  const rejections = new Map();
  for (const s of servers) for (const r of s.rejections) {
    const seen = rejections.get(r.check) || { check: r.check, count: 0, examples: [] };
    seen.count += r.count;
    seen.examples.push(...r.examples);
    rejections.set(r.check, seen);
  }
  const rejectionBox = $('rejections');
  if (rejections.size === 0) rejectionBox.append(el('p', { class: 'empty' }, 'No candidate was rejected.'));
  for (const r of [...rejections.values()].sort((a, b) => b.count - a.count)) {
    const examples = r.examples.slice(0, 3).map((x) => el('div', { class: 'example' }, el('q', {}, x.instruction || x.taskId), ' — ', el('span', { class: 'reason' }, x.reason)));
    rejectionBox.append(el('details', { 'data-check': r.check }, el('summary', {}, el('b', {}, r.check), ` · ${fmt(r.count)} rejected`), ...examples));
  }

  // Tool graph with coverage, one server at a time.
  const picker = $('graph-server');
  servers.forEach((s, i) => picker.append(el('option', { value: String(i) }, s.server)));
  picker.hidden = servers.length < 2;
  let graph;
  function drawGraph(row) {
    const nodeColor = (t) => (t.broken ? colors.bad : !t.usable ? colors.faint : t.explored ? colors.ok : colors.muted);
    const elements = [
      ...row.tools.map((t) => ({ data: { id: t.name, label: t.broken ? `✕ ${t.name}` : t.name, color: nodeColor(t), border: t.usable ? 0 : 2 }, classes: t.explored ? 'explored' : '' })),
      ...row.edges.map((e, i) => ({
        data: { id: `e${i}`, source: e.from, target: e.to, color: e.explored ? colors.ok : e.sampled ? colors.accent : colors.faint, width: { high: 3, medium: 2, low: 1 }[e.confidence] || 1 },
        classes: e.explored ? 'explored' : e.sampled ? 'sampled' : '',
      })),
    ];
    graph && graph.destroy();
    graph = cytoscape({
      container: $('graph'),
      elements,
      // A small graph reads best on a circle; a large one needs a force layout to show its clusters.
      layout: row.tools.length <= 30
        ? { name: 'circle', padding: 40, avoidOverlap: true }
        : { name: 'cose', animate: false, randomize: false, nodeRepulsion: 9000, idealEdgeLength: 110, padding: 24 },
      maxZoom: 1.6,
      style: [
        { selector: 'node', style: { 'background-color': 'data(color)', label: 'data(label)', 'font-size': 14, color: '#1d2330', 'text-valign': 'bottom', 'text-margin-y': 5, width: 28, height: 28, 'text-background-color': '#fbfcfd', 'text-background-opacity': 0.85, 'border-width': 'data(border)', 'border-color': '#9aa3b2', 'border-style': 'dashed' } },
        { selector: 'edge', style: { width: 'data(width)', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)', 'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.9, opacity: 0.9 } },
        { selector: 'edge.sampled', style: { 'line-style': 'dashed' } },
      ],
    });
    const explored = row.tools.filter((t) => t.explored).length;
    const exploredEdges = row.edges.filter((e) => e.explored).length;
    const sampledEdges = row.edges.filter((e) => e.sampled).length;
    const broken = row.tools.filter((t) => t.broken).map((t) => t.name);
    $('graph-coverage').textContent =
      `${row.server}: ${explored} of ${row.tools.length} tools called in episodes; ${exploredEdges} of ${row.edges.length} edges carried data, ` +
      `${sampledEdges} were in sampled sub-DAGs` + (broken.length ? `; broken: ${broken.join(', ')}` : '; no broken tool');
    const unusable = row.tools.filter((t) => !t.usable);
    $('graph-unusable').replaceChildren(...unusable.map((t) => el('li', {}, el('b', {}, t.name), t.skipReason ? `: ${t.skipReason}` : '')));
    $('graph-unusable-box').hidden = unusable.length === 0;
    $('graph').dataset.nodes = String(row.tools.length);
    $('graph').dataset.edges = String(row.edges.length);
  }
  picker.addEventListener('change', () => drawGraph(servers[Number(picker.value)]));
  drawGraph(servers[0]);

  // Histograms beside the paper's figures.
  function histogram(canvasId, values, label, paperMean) {
    const max = Math.max(1, ...values);
    const labels = Array.from({ length: max }, (_, i) => String(i + 1));
    const counts = labels.map((_, i) => values.filter((v) => v === i + 1).length);
    new Chart($(canvasId), {
      type: 'bar',
      data: { labels, datasets: [{ data: counts, backgroundColor: colors.accent }] },
      options: {
        maintainAspectRatio: false,
        plugins: { title: { display: true, text: `this dataset: mean ${fmt(mean(values), 2)} · paper: mean ${fmt(paperMean, 1)}` } },
        scales: { x: { title: { display: true, text: label } }, y: { title: { display: true, text: 'tasks' }, ticks: { precision: 0 } } },
      },
    });
  }
  histogram('calls-chart', callsPerTask, 'calls per task', paper.meanCallsPerTask);
  histogram('fields-chart', fieldsPerTask, 'answer fields per task', paper.meanAnswerFields);
  const medium = data.tasks.filter((t) => t.difficulty === 'medium').length;
  $('difficulty-note').textContent = `Difficulty "medium": ${data.tasks.length ? pct(medium / data.tasks.length) : '–'} here, ${pct(paper.mediumShare)} in the paper. ` +
    `Verified share of candidates: ${total('candidates') ? pct(total('verified') / total('candidates')) : '–'} here, about ${pct(paper.verifiedShareOfCandidates)} in the paper.`;

  // Calls, errors and latency per tool.
  const toolRows = servers.flatMap((s) => s.toolCalls.map((t) => ({ ...t, server: s.server })));
  const maxCalls = Math.max(1, ...toolRows.map((t) => t.calls));
  const toolTable = $('tool-calls');
  for (const t of toolRows) {
    toolTable.append(el('tr', {},
      el('td', {}, servers.length > 1 ? `${t.server}/${t.tool}` : t.tool),
      el('td', { class: 'num' }, fmt(t.calls)),
      el('td', {}, el('div', { class: 'bar', style: `width:${(100 * t.calls) / maxCalls}%` })),
      el('td', { class: 'num' }, `${fmt(t.errors)} (${pct(t.calls ? t.errors / t.calls : 0)})`),
      el('td', { class: 'num' }, fmt(t.medianMs, 1)),
      el('td', { class: 'num' }, fmt(t.p95Ms, 1))));
  }

  // Provenance of the simulator's answers in the last replay, beside the paper's.
  if (data.replay) {
    const p = data.replay.provenance;
    const sum = p.exact + p.retrieved + p.generated + p.none || 1;
    new Chart($('provenance-chart'), {
      type: 'bar',
      data: {
        labels: ['exact', 'retrieved / generated', 'none'],
        datasets: [
          { label: `this dataset (${data.replay.policy})`, data: [p.exact / sum, (p.retrieved + p.generated) / sum, p.none / sum], backgroundColor: colors.accent },
          { label: 'paper', data: [paper.provenance.exact, paper.provenance.retrieved, paper.provenance.none], backgroundColor: colors.muted },
        ],
      },
      options: { maintainAspectRatio: false, plugins: { legend: { display: true } }, scales: { y: { max: 1, ticks: { callback: (v) => pct(v) } } } },
    });
  } else {
    $('provenance-chart').replaceWith(el('p', { class: 'empty' }, `No replay recorded for this dataset yet. The paper's simulator answered ${pct(paper.provenance.exact)} exactly and ${pct(paper.provenance.retrieved)} from retrieved neighbours.`));
  }

  // Servers and their shares of the dataset (one row for a one-server dataset).
  const exported = total('exported') || 1;
  for (const s of servers) {
    $('server-rows').append(el('tr', {},
      el('td', {}, s.server), el('td', {}, s.planner),
      el('td', { class: 'num' }, fmt(s.funnel.usable)), el('td', { class: 'num' }, fmt(s.funnel.episodes)),
      el('td', { class: 'num' }, fmt(s.funnel.calls)), el('td', { class: 'num' }, fmt(s.funnel.exported)),
      el('td', { class: 'num' }, pct(s.funnel.exported / exported))));
  }

  // The task list: search, pick one, see its answer and its reference trajectory with the links drawn.
  const list = $('task-list');
  const search = $('task-search');
  let trajectory;
  const haystack = (t) => [t.instruction, t.id, t.server, ...Object.entries(t.answer).flat(), ...t.trajectory.map((s) => s.tool)].join(' ').toLowerCase();
  const indexed = data.tasks.map((t) => ({ task: t, text: haystack(t) }));
  // One arrow per pair of steps, labelled with every output path and the argument it fed.
  function linkEdges(t) {
    const pairs = new Map();
    t.trajectory.forEach((s, i) => s.links.forEach((l) => {
      const key = `${l.fromStep}>${i}`;
      pairs.set(key, [...(pairs.get(key) || []), `${l.outputPath || '(output)'} as ${l.argument}`]);
    }));
    // Consecutive steps no output joins are still done in order: a faint arrow says so.
    const order = t.trajectory.slice(1).map((_, i) => i).filter((i) => ![...pairs.keys()].some((k) => k.endsWith(`>${i + 1}`)))
      .map((i) => ({ data: { id: `o${i}`, source: `s${i}`, target: `s${i + 1}`, label: 'then' }, classes: 'order' }));
    return [...order, ...[...pairs.entries()].map(([key, labels]) => {
      const [from, to] = key.split('>');
      const shown = labels.length > 3 ? [...labels.slice(0, 3), `+${labels.length - 3} more`] : labels;
      return { data: { id: `l${key}`, source: `s${from}`, target: `s${to}`, label: shown.join('\n') } };
    })];
  }
  function showTask(t, item) {
    for (const li of list.querySelectorAll('li.selected')) li.classList.remove('selected');
    item && item.classList.add('selected');
    const detail = $('task-detail');
    detail.replaceChildren(
      el('h3', {}, t.instruction),
      el('div', {}, el('span', { class: 'pill' }, t.difficulty), el('span', { class: 'pill' }, `${t.trajectory.length} calls`), el('span', { class: 'pill' }, t.id)),
      el('table', {}, el('tr', {}, el('th', {}, 'answer field'), el('th', {}, 'value')), ...Object.entries(t.answer).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))),
      el('div', { id: 'trajectory' }),
      el('ol', { class: 'steps', start: '0' }, ...t.trajectory.map((s) => el('li', {}, el('b', {}, s.tool), ` ${s.arguments}`))),
    );
    trajectory && trajectory.destroy();
    trajectory = cytoscape({
      container: $('trajectory'),
      elements: [
        ...t.trajectory.map((s, i) => ({ data: { id: `s${i}`, label: `${i}. ${s.tool}` } })),
        ...linkEdges(t),
      ],
      layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.8, padding: 16 },
      maxZoom: 1.2,
      style: [
        { selector: 'node', style: { shape: 'round-rectangle', 'background-color': '#e4edfc', 'border-color': colors.accent, 'border-width': 1, label: 'data(label)', 'text-valign': 'center', 'font-size': 11, width: 'label', height: 26, padding: 8 } },
        { selector: 'edge', style: { 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'line-color': colors.ok, 'target-arrow-color': colors.ok, width: 2, label: 'data(label)', 'font-size': 10, 'text-background-color': '#fff', 'text-background-opacity': 1, 'text-background-padding': 2, color: '#1f6e4d', 'text-wrap': 'wrap' } },
        { selector: 'edge.order', style: { 'line-color': colors.faint, 'target-arrow-color': colors.faint, 'line-style': 'dashed', color: colors.muted } },
      ],
    });
    $('trajectory').dataset.links = String(t.trajectory.reduce((n, s) => n + s.links.length, 0));
  }
  function renderList() {
    const query = search.value.trim().toLowerCase();
    const shown = indexed.filter((x) => !query || query.split(/\s+/).every((word) => x.text.includes(word)));
    list.replaceChildren(...shown.map(({ task }) => {
      const item = el('li', { 'data-task': task.id }, el('span', { class: 'instruction' }, task.instruction), el('small', {}, `${task.trajectory.map((s) => s.tool).join(' → ')}`));
      item.addEventListener('click', () => showTask(task, item));
      return item;
    }));
    $('task-count').textContent = `${shown.length} of ${data.tasks.length} tasks`;
    if (shown.length) showTask(shown[0].task, list.firstElementChild);
    else $('task-detail').replaceChildren(el('p', { class: 'empty' }, 'No task matches.'));
  }
  search.addEventListener('input', renderList);
  renderList();
  document.body.dataset.ready = 'true';
})();
