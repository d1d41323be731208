// User metrics as live line charts, one Chart.js chart per metric name, one line per
// node and label set.
'use strict';

(() => {
  // Points kept per line: ten minutes at one sample a second.
  const MAX_POINTS = 600;
  const COLOURS = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f08c00', '#0c8599', '#c2255c'];
  const charts = new Map();

  function seriesName(sample) {
    const labels = Object.entries(sample.labels).map(([key, value]) => `${key}=${value}`);
    return labels.length === 0 ? sample.node : `${sample.node} {${labels.join(', ')}}`;
  }

  function chartFor(name, kind) {
    let chart = charts.get(name);
    if (chart !== undefined) return chart;
    const holder = document.createElement('div');
    holder.className = 'chart';
    const canvas = document.createElement('canvas');
    canvas.dataset.metric = name;
    holder.appendChild(canvas);
    document.getElementById('charts').appendChild(holder);
    document.getElementById('no-charts').hidden = true;
    chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        scales: {
          x: {
            type: 'linear',
            ticks: { callback: (value) => new Date(value).toLocaleTimeString() },
          },
        },
        plugins: { title: { display: true, text: `${name} (${kind})` } },
      },
    });
    charts.set(name, chart);
    return chart;
  }

  /** Adds one metrics sample ({t, user: [{node, name, kind, labels, value}]}) to the charts. */
  function addSample(sample) {
    const x = Date.parse(sample.t);
    const touched = new Set();
    for (const one of sample.user) {
      const chart = chartFor(one.name, one.kind);
      const label = seriesName(one);
      let dataset = chart.data.datasets.find((candidate) => candidate.label === label);
      if (dataset === undefined) {
        const colour = COLOURS[chart.data.datasets.length % COLOURS.length];
        dataset = {
          label,
          data: [],
          borderColor: colour,
          backgroundColor: colour,
          pointRadius: 0,
          // A sample holds a series only when it changed: it held its value until then.
          stepped: 'after',
        };
        chart.data.datasets.push(dataset);
      }
      dataset.data.push({ x, y: one.value });
      if (dataset.data.length > MAX_POINTS) dataset.data.shift();
      touched.add(chart);
    }
    for (const chart of touched) chart.update('none');
  }

  window.lpCharts = { addSample };
})();
