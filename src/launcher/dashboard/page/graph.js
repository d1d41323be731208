// The program graph: dagre lays it out (nodes grouped in clusters by colocation, else by
// label), this file draws it as SVG, with node colours by state and edge labels and
// widths by call rate.
'use strict';

(() => {
  const SVG = 'http://www.w3.org/2000/svg';
  const STATE_COLOURS = {
    running: '#8ce99a',
    starting: '#ffe066',
    restarting: '#ffa94d',
    failed: '#ff6b6b',
    stopped: '#ced4da',
  };
  const NODE_WIDTH = 120;
  const NODE_HEIGHT = 34;

  function element(name, attributes, parent) {
    const made = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) made.setAttribute(key, String(value));
    parent.appendChild(made);
    return made;
  }

  function clusterOf(node) {
    return node.colocation !== undefined ? node.colocation : `group ${node.label}`;
  }

  /** Lays out and draws `graph` ({nodes, edges}) into `svg`, coloured by `states`. */
  function drawGraph(svg, graph, states) {
    const layout = new dagre.graphlib.Graph({ compound: true, multigraph: false });
    layout.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 70, marginx: 12, marginy: 12 });
    layout.setDefaultEdgeLabel(() => ({}));
    for (const cluster of new Set(graph.nodes.map(clusterOf))) {
      layout.setNode(`cluster:${cluster}`, { label: cluster, clusterLabelPos: 'top' });
    }
    for (const node of graph.nodes) {
      layout.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
      layout.setParent(node.id, `cluster:${clusterOf(node)}`);
    }
    for (const edge of graph.edges) {
      layout.setEdge(edge.from, edge.to, {
        width: 60,
        height: 16,
        labelpos: 'c',
        rate: edge.callsPerSec,
      });
    }
    dagre.layout(layout);
    svg.replaceChildren();
    const size = layout.graph();
    svg.setAttribute('viewBox', `0 0 ${Math.max(size.width, 100)} ${Math.max(size.height, 60)}`);
    for (const id of layout.nodes()) {
      if (!id.startsWith('cluster:')) continue;
      const box = layout.node(id);
      const group = element('g', { class: 'cluster' }, svg);
      element(
        'rect',
        {
          x: box.x - box.width / 2,
          y: box.y - box.height / 2,
          width: box.width,
          height: box.height,
          rx: 6,
        },
        group,
      );
      element(
        'text',
        { x: box.x - box.width / 2 + 6, y: box.y - box.height / 2 + 12 },
        group,
      ).textContent = id.slice('cluster:'.length);
    }
    for (const edgeId of layout.edges()) {
      const edge = layout.edge(edgeId);
      const group = element(
        'g',
        { class: 'edge', 'data-from': edgeId.v, 'data-to': edgeId.w },
        svg,
      );
      const d = edge.points
        .map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`)
        .join(' ');
      const width = 1 + Math.min(6, Math.log10(1 + edge.rate) * 2);
      element('path', { d, 'stroke-width': width, 'marker-end': 'url(#arrow)' }, group);
      element('text', { x: edge.x, y: edge.y, 'text-anchor': 'middle' }, group).textContent =
        `${edge.rate.toFixed(edge.rate < 10 ? 1 : 0)}/s`;
    }
    for (const node of graph.nodes) {
      const box = layout.node(node.id);
      const state = states.get(node.id) ?? 'starting';
      const group = element(
        'g',
        { class: 'node', 'data-node-id': node.id, 'data-state': state },
        svg,
      );
      element(
        'rect',
        {
          x: box.x - box.width / 2,
          y: box.y - box.height / 2,
          width: box.width,
          height: box.height,
          rx: 4,
          fill: STATE_COLOURS[state] ?? '#fff',
        },
        group,
      );
      element('text', { x: box.x, y: box.y + 4, 'text-anchor': 'middle' }, group).textContent =
        node.id;
    }
    const marker = element(
      'marker',
      {
        id: 'arrow',
        viewBox: '0 0 10 10',
        refX: 10,
        refY: 5,
        markerWidth: 6,
        markerHeight: 6,
        orient: 'auto-start-reverse',
      },
      element('defs', {}, svg),
    );
    element('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#5a6478' }, marker);
  }

  window.lpGraph = { drawGraph };
})();
