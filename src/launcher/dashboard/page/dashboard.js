// The dashboard page: follows the launch API's event stream (GET /api/events) and keeps
// the graph, the node table, the log tail and the charts up to date. Every request
// carries the launch token the page was opened with.
'use strict';

(() => {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const withToken = (path) =>
    `${path}${path.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
  const nodePath = (nodeId) => nodeId.split('/').map(encodeURIComponent).join('/');
  // Lines shown per node; the launcher keeps more.
  const LOG_LINES = 500;

  let launch;
  let graph = { nodes: [], edges: [] };
  let rows = [];
  const logs = new Map();
  let selected;

  const byId = (id) => document.getElementById(id);

  function formatDuration(ms) {
    if (ms === undefined) return '';
    const seconds = Math.floor(ms / 1000);
    if (seconds < 60) return `${seconds}s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
    return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  }
  const formatBytes = (bytes) => (bytes === undefined ? '' : `${(bytes / 1048576).toFixed(1)} MB`);
  const formatNumber = (value, digits, unit = '') =>
    value === undefined ? '' : `${value.toFixed(digits)}${unit}`;

  function showLaunch() {
    byId('program').textContent = launch.programName;
    byId('launch-facts').textContent = `${launch.id} · ${launch.launchType} · pid ${launch.pid}`;
    const outcome = launch.readOnly ? `${launch.outcome} (read-only)` : launch.outcome;
    byId('outcome').textContent = outcome;
    byId('stop').disabled = launch.readOnly || launch.outcome !== 'running';
    document.title = `${launch.programName} · launchpad-ts`;
  }

  function drawGraph() {
    const states = new Map(rows.map((row) => [row.id, row.state]));
    window.lpGraph.drawGraph(byId('graph'), graph, states);
  }

  function cell(row, text, className) {
    const td = document.createElement('td');
    td.textContent = text;
    if (className !== undefined) td.className = className;
    row.appendChild(td);
    return td;
  }

  function actionButton(parent, label, nodeId, run) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = label;
    button.dataset.action = label.toLowerCase();
    button.disabled = launch?.readOnly === true;
    button.addEventListener('click', () => run(nodeId));
    parent.appendChild(button);
  }

  function showNodes() {
    const body = byId('nodes').tBodies[0];
    body.replaceChildren();
    for (const node of rows) {
      const row = document.createElement('tr');
      row.dataset.nodeId = node.id;
      row.dataset.state = node.state;
      cell(row, node.id, 'id');
      const state = cell(row, node.state, `state state-${node.state}`);
      if (node.notReporting === true) {
        // Its reports stopped: a blocked event loop, or a node cut off. No figure is shown.
        row.dataset.notReporting = 'true';
        const badge = document.createElement('span');
        badge.className = 'not-reporting';
        badge.textContent = `not reporting (${formatDuration(node.lastReportAgeMs)})`;
        badge.title =
          'No metrics report for a while: its event loop is blocked (see Stack) or it is cut off.';
        state.append(' ', badge);
      }
      cell(row, String(node.restarts), 'restarts');
      cell(row, node.deathCause ?? '', 'death-cause');
      cell(row, formatDuration(node.uptimeMs), 'uptime');
      // Under threads (and in-process), CPU and RSS are the whole process's, shared by
      // every node in it: said so, with the figures that are the node's own beside them.
      const shared = node.sharedProcess === true;
      const cpu = cell(
        row,
        formatNumber(node.cpuPercent, 0, '%') + (shared ? ' (process, shared)' : ''),
        shared ? 'cpu shared' : 'cpu',
      );
      const memory = cell(
        row,
        shared
          ? `heap ${formatBytes(node.heapUsedBytes)} · process ${formatBytes(node.rssBytes)} (shared)`
          : formatBytes(node.rssBytes),
        shared ? 'memory shared' : 'memory',
      );
      if (shared) {
        cpu.title = 'The whole process: every node thread in it, and the launcher.';
        memory.title =
          "Heap: this node's own isolate. Process: resident memory of the whole process, shared.";
      }
      cell(
        row,
        formatNumber(
          node.eventLoopUtilization === undefined ? undefined : node.eventLoopUtilization * 100,
          0,
          '%',
        ),
        'elu',
      );
      cell(row, node.callsPerSec.toFixed(1), 'calls');
      cell(row, formatNumber(node.p50Ms, 1, ' ms'), 'p50');
      cell(row, formatNumber(node.p99Ms, 1, ' ms'), 'p99');
      cell(row, String(node.errors), 'errors');
      const actions = cell(row, '', 'actions');
      actionButton(actions, 'Stack', node.id, stackDump);
      actionButton(actions, 'Profile', node.id, profile);
      actionButton(actions, 'Restart', node.id, restart);
      actionButton(actions, 'Logs', node.id, selectLogs);
      body.appendChild(row);
    }
  }

  function showOutput(text) {
    const output = byId('action-output');
    output.hidden = false;
    output.textContent = text;
  }

  async function post(path) {
    const response = await fetch(withToken(path), { method: 'POST' });
    const isJson = (response.headers.get('content-type') ?? '').startsWith('application/json');
    const body = isJson ? await response.json() : await response.text();
    if (!response.ok) throw new Error(body.error ?? String(body));
    return { body, response };
  }

  async function stackDump(nodeId) {
    showOutput(`Taking a stack dump of ${nodeId}…`);
    try {
      const { body } = await post(`/api/nodes/${nodePath(nodeId)}/stack`);
      showOutput(`Stack of ${nodeId}:\n${body.text}`);
    } catch (error) {
      showOutput(error.message);
    }
  }

  async function profile(nodeId) {
    showOutput(`Profiling ${nodeId} for 2 seconds…`);
    try {
      const { body, response } = await post(`/api/nodes/${nodePath(nodeId)}/profile?ms=2000`);
      const disposition = response.headers.get('content-disposition') ?? '';
      const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'profile.cpuprofile';
      const link = document.createElement('a');
      link.href = URL.createObjectURL(
        new Blob([JSON.stringify(body)], { type: 'application/json' }),
      );
      link.download = name;
      link.click();
      showOutput(`Saved ${name}: open it in Chrome DevTools (Performance) or speedscope.`);
    } catch (error) {
      showOutput(error.message);
    }
  }

  async function restart(nodeId) {
    try {
      await post(`/api/nodes/${nodePath(nodeId)}/restart`);
      showOutput(`Restarting ${nodeId}.`);
    } catch (error) {
      showOutput(error.message);
    }
  }

  byId('stop').addEventListener('click', async () => {
    try {
      await post('/api/stop?by=dashboard');
      showOutput('Stopping the program.');
    } catch (error) {
      showOutput(error.message);
    }
  });

  // Logs: the selected node's tail, filtered by the search box.
  function showLogs() {
    const search = byId('log-search').value.toLowerCase();
    const list = byId('log-lines');
    list.replaceChildren();
    for (const line of logs.get(selected) ?? []) {
      if (search !== '' && !line.text.toLowerCase().includes(search)) continue;
      const item = document.createElement('li');
      item.className = line.stream;
      item.textContent = `${line.t.slice(11, 19)} ${line.text}`;
      list.appendChild(item);
    }
    list.scrollTop = list.scrollHeight;
  }

  async function selectLogs(nodeId) {
    selected = nodeId;
    byId('log-node').value = nodeId;
    const response = await fetch(withToken(`/api/logs/${nodePath(nodeId)}?tail=${LOG_LINES}`));
    if (response.ok) {
      const { lines } = await response.json();
      logs.set(nodeId, lines);
    }
    showLogs();
  }

  function addLog({ nodeId, t, stream, text }) {
    let lines = logs.get(nodeId);
    if (lines === undefined) {
      lines = [];
      logs.set(nodeId, lines);
    }
    lines.push({ t, stream, text });
    if (lines.length > LOG_LINES) lines.shift();
    if (nodeId === selected) showLogs();
  }

  function fillNodeChoice() {
    const select = byId('log-node');
    if (select.options.length === graph.nodes.length) return;
    select.replaceChildren(
      ...graph.nodes.map((node) => {
        const option = document.createElement('option');
        option.value = node.id;
        option.textContent = node.id;
        return option;
      }),
    );
    if (selected === undefined && graph.nodes.length > 0) void selectLogs(graph.nodes[0].id);
  }

  byId('log-node').addEventListener('change', (event) => void selectLogs(event.target.value));
  byId('log-search').addEventListener('input', showLogs);

  const events = new EventSource(withToken('/api/events'));
  events.addEventListener('launch', (event) => {
    launch = JSON.parse(event.data);
    showLaunch();
    showNodes();
  });
  events.addEventListener('graph', (event) => {
    graph = JSON.parse(event.data);
    fillNodeChoice();
    drawGraph();
  });
  events.addEventListener('nodes', (event) => {
    rows = JSON.parse(event.data).nodes;
    showNodes();
    drawGraph();
  });
  events.addEventListener('metrics', (event) => {
    window.lpCharts.addSample(JSON.parse(event.data));
  });
  events.addEventListener('log', (event) => {
    addLog(JSON.parse(event.data));
  });
})();
