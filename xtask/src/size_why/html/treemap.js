// The size report's behaviour: header, squarified treemap with zoom, search, tooltips and keys,
// all drawn from the JSON embedded in the page.
'use strict';
(() => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const map = document.getElementById('treemap');
  const tip = document.getElementById('tip');
  const search = document.getElementById('search');
  const summary = document.getElementById('search-summary');
  const crumbs = document.getElementById('crumbs');
  const legend = document.getElementById('legend');
  const file = data.sizes.opt_bytes;
  const growth = data.base !== null;

  const fmt = (n) => n.toLocaleString('en-US');
  const human = (n) => (Math.abs(n) < 1024 ? `${n} B` : Math.abs(n) < 1048576
    ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1048576).toFixed(2)} MiB`);
  const share = (n) => { const p = (n * 100) / file; return `${p.toFixed(p < 0.1 ? 2 : 1)}%`; };
  const signed = (n) => (n > 0 ? `+${fmt(n)}` : n < 0 ? `−${fmt(-n)}` : '±0');
  const el = (tag, attrs = {}, text = '') => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };

  // Every function once, with its crate, for the search (which looks beyond the zoomed crate).
  const functions = [];
  const crateHue = new Map();
  const sectionGrey = new Map();
  data.nodes.forEach((node, i) => {
    if (node.kind === 'section') sectionGrey.set(node.name, `hsl(220, 10%, ${74 + (sectionGrey.size % 4) * 5}%)`);
    if (node.kind === 'crate') {
      crateHue.set(node.name, (i * 137.508 + 200) % 360);
      for (const f of node.children) functions.push({ node: f, crate: node.name });
    }
  });

  // ---- header ----
  document.getElementById('title').textContent = `${data.artifact}: where the bytes go`;
  const sizes = document.getElementById('sizes');
  const fact = (label, value, title) => {
    const div = el('div');
    div.append(el('dt', {}, label), el('dd', title ? { title } : {}, value));
    sizes.append(div);
    return div;
  };
  const s = data.sizes;
  fact('optimised', `${fmt(s.opt_bytes)} B (${human(s.opt_bytes)})`);
  fact('gzip', `${fmt(s.gzip_bytes)} B (${human(s.gzip_bytes)})`);
  fact('brotli', `${fmt(s.brotli_bytes)} B (${human(s.brotli_bytes)})`);
  const used = (s.opt_bytes * 100) / s.budget_bytes;
  const budget = fact('budget', `${human(s.budget_bytes)} · ${used.toFixed(1)}% used`);
  budget.id = 'budget';
  const meter = el('span', { class: `meter${used > 100 ? ' over' : used > 90 ? ' warn' : ''}`,
    role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': used.toFixed(1), 'aria-label': 'share of the budget used' });
  const fill = el('span');
  fill.style.width = `${Math.min(used, 100)}%`;
  meter.append(fill);
  budget.append(meter);
  if (growth) {
    fact(`since ${data.base.label}`, `${signed(s.opt_bytes - data.base.opt_bytes)} B`);
  }
  if (data.code_delta !== 0) {
    fact('names from a copy whose code differs by', `${signed(data.code_delta)} B`);
  }

  // ---- colours ----
  // Growth: red for bytes gained, green for bytes lost, stronger the larger the change relative
  // to the function's old size; grey when unchanged.
  const growthColour = (delta, bytes) => {
    if (delta === 0) return 'hsl(220, 8%, 82%)';
    const before = Math.max(bytes - delta, 1);
    const t = Math.min(Math.abs(delta) / before, 1);
    return delta > 0 ? `hsl(4, 78%, ${86 - t * 36}%)` : `hsl(140, 55%, ${84 - t * 34}%)`;
  };
  const fillOf = (node, crate, i) => {
    if (node.kind === 'section') return growth ? growthColour(node.delta ?? 0, node.bytes) : sectionGrey.get(node.name);
    if (growth && node.kind === 'function') return growthColour(node.delta ?? 0, node.bytes);
    const hue = crateHue.get(node.kind === 'crate' ? node.name : crate) ?? 0;
    if (node.kind === 'crate') return growth ? 'hsl(220, 12%, 38%)' : `hsl(${hue}, 42%, 38%)`;
    return `hsl(${hue}, 52%, ${71 + (i % 3) * 4}%)`;
  };
  const swatch = (colour, text) => {
    const item = el('span');
    const box = el('span', { class: 'swatch' });
    box.style.background = colour;
    item.append(box, document.createTextNode(text));
    legend.append(item);
  };
  const drawLegend = () => {
    legend.textContent = '';
    if (growth) {
      swatch(growthColour(1, 2), `grew since ${data.base.label}`);
      swatch(growthColour(1, 11), 'grew a little');
      swatch(growthColour(0, 1), 'unchanged');
      swatch(growthColour(-1, 11), 'shrank a little');
      swatch(growthColour(-1, 1), 'shrank');
      return;
    }
    for (const node of data.nodes) {
      if (zoomed && node.name !== zoomed.name) continue;
      swatch(fillOf(node, null, 1), `${node.kind === 'section' ? 'section: ' : ''}${short(node.name, 28)}`);
    }
  };

  // ---- layout: squarified treemap (Bruls, Huizing, van Wijk) ----
  // Lays `nodes` (largest first) out in the rectangle, rows chosen to keep aspect ratios near 1.
  const squarify = (nodes, x, y, w, h) => {
    const out = [];
    const total = nodes.reduce((sum, n) => sum + n.bytes, 0);
    if (total <= 0 || w <= 0 || h <= 0) return out;
    const areas = nodes.map((n) => (n.bytes * w * h) / total);
    const worst = (sum, min, max, side) => Math.max((side * side * max) / (sum * sum), (sum * sum) / (side * side * min));
    let i = 0;
    while (i < nodes.length) {
      const side = Math.min(w, h);
      let sum = areas[i]; let min = sum; let max = sum;
      let ratio = worst(sum, min, max, side);
      let j = i + 1;
      while (j < nodes.length) {
        const a = areas[j];
        const next = worst(sum + a, Math.min(min, a), Math.max(max, a), side);
        if (next > ratio) break;
        sum += a; min = Math.min(min, a); max = Math.max(max, a); ratio = next; j += 1;
      }
      if (w >= h) {
        const cw = sum / h; let cy = y;
        for (let k = i; k < j; k += 1) { const rh = areas[k] / cw; out.push({ node: nodes[k], x, y: cy, w: cw, h: rh }); cy += rh; }
        x += cw; w -= cw;
      } else {
        const rh = sum / w; let cx = x;
        for (let k = i; k < j; k += 1) { const cw = areas[k] / rh; out.push({ node: nodes[k], x: cx, y, w: cw, h: rh }); cx += cw; }
        y += rh; h -= rh;
      }
      i = j;
    }
    return out;
  };

  // A label that fits: the last path segments of a function, without generic arguments.
  const short = (name, limit) => {
    let depth = 0; let plain = '';
    for (const c of name) {
      if (c === '<') depth += 1;
      if (depth === 0) plain += c;
      if (c === '>') depth = Math.max(depth - 1, 0);
    }
    const parts = plain.split('::').filter((p) => p !== '');
    const tail = parts.slice(-2).join('::') || name;
    return tail.length > limit ? `${tail.slice(0, limit - 1)}…` : tail;
  };

  let zoomed = null;
  let query = '';
  let current = 0;

  const box = (r, crate, i) => {
    const node = r.node;
    const e = el('div', {
      class: `node kind-${node.kind}`, tabindex: '-1', role: 'button',
      'data-name': node.name, 'data-kind': node.kind, 'data-bytes': String(node.bytes),
    });
    if (crate) e.dataset.crate = crate;
    if (node.delta !== undefined) e.dataset.delta = String(node.delta);
    e.setAttribute('aria-label', `${node.name}, ${fmt(node.bytes)} bytes, ${share(node.bytes)} of the file`);
    const colour = fillOf(node, crate, i);
    if (colour) e.style.background = colour;
    Object.assign(e.style, { left: `${r.x}px`, top: `${r.y}px`, width: `${r.w}px`, height: `${r.h}px` });
    if (r.w >= 34 && r.h >= 14) {
      e.textContent = node.kind === 'crate'
        ? `${node.name} · ${human(node.bytes)} · ${share(node.bytes)}`
        : node.kind === 'section' ? `${short(node.name, 40)} · ${human(node.bytes)}` : short(node.name, 80);
    }
    map.append(e);
    return e;
  };

  const render = () => {
    map.textContent = '';
    const width = map.clientWidth; const height = map.clientHeight;
    if (zoomed) {
      squarify(zoomed.children, 0, 0, width, height).forEach((r, i) => box(r, zoomed.name, i));
    } else {
      for (const r of squarify(data.nodes, 0, 0, width, height)) {
        box(r, null, 0);
        if (r.node.kind !== 'crate') continue;
        const header = r.h > 40 && r.w > 60 ? 19 : 0;
        const pad = r.w > 8 && r.h > 8 ? 2 : 0;
        squarify(r.node.children, r.x + pad, r.y + header + pad, r.w - 2 * pad, r.h - header - 2 * pad)
          .forEach((c, i) => box(c, r.node.name, i));
      }
    }
    const nodes = map.querySelectorAll('.node');
    current = Math.min(current, nodes.length - 1);
    if (nodes.length) nodes[Math.max(current, 0)].tabIndex = 0;
    drawCrumbs();
    drawLegend();
    highlight();
  };

  const drawCrumbs = () => {
    crumbs.textContent = '';
    if (!zoomed) {
      crumbs.append(el('span', {}, 'whole module'),
        el('span', { class: 'hint' }, '· click a crate (or Enter on it) to zoom in'));
      return;
    }
    const back = el('button', { type: 'button', id: 'zoom-out' }, 'whole module');
    back.addEventListener('click', () => zoom(null, true));
    crumbs.append(back, el('span', {}, `› ${zoomed.name} · ${human(zoomed.bytes)} · ${share(zoomed.bytes)}`),
      el('span', { class: 'hint' }, '· click or Escape to zoom out'));
  };

  const zoom = (crateName, focus) => {
    zoomed = crateName === null ? null : data.nodes.find((n) => n.kind === 'crate' && n.name === crateName) ?? null;
    current = 0;
    tip.hidden = true;
    render();
    if (focus) map.querySelector('.node')?.focus();
  };

  // ---- search ----
  const matches = (name) => query !== '' && name.toLowerCase().includes(query);
  const highlight = () => {
    map.classList.toggle('searching', query !== '');
    for (const e of map.querySelectorAll('.node.kind-function')) e.classList.toggle('match', matches(e.dataset.name));
    if (query === '') {
      summary.textContent = '';
      delete summary.dataset.count;
      delete summary.dataset.bytes;
      return;
    }
    const found = functions.filter((f) => matches(f.node.name));
    const bytes = found.reduce((sum, f) => sum + f.node.bytes, 0);
    summary.dataset.count = String(found.length);
    summary.dataset.bytes = String(bytes);
    summary.textContent = found.length === 0 ? 'no function matches'
      : `${fmt(found.length)} function${found.length === 1 ? '' : 's'} match: ${fmt(bytes)} B, ${share(bytes)} of the file`
        + (zoomed ? ` (${map.querySelectorAll('.node.match').length} in ${zoomed.name})` : '');
  };
  search.addEventListener('input', () => { query = search.value.trim().toLowerCase(); highlight(); });
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { search.value = ''; query = ''; highlight(); }
    if (event.key === 'Enter') map.querySelector('.node.match')?.focus();
  });

  // ---- tooltip ----
  const describe = (e) => {
    tip.textContent = '';
    tip.append(el('span', { class: 'name' }, e.dataset.name));
    const bytes = Number(e.dataset.bytes);
    const kind = e.dataset.kind === 'function' ? `function in ${e.dataset.crate}` : e.dataset.kind;
    tip.append(document.createTextNode(`${kind} · ${fmt(bytes)} B · ${share(bytes)} of the file`));
    if (e.dataset.delta !== undefined) {
      const delta = Number(e.dataset.delta);
      tip.append(document.createTextNode(' · '),
        el('span', { class: delta > 0 ? 'grew' : delta < 0 ? 'shrank' : '' }, `${signed(delta)} B since ${data.base.label}`));
    }
    tip.hidden = false;
  };
  const place = (x, y) => {
    const pad = 14; const r = tip.getBoundingClientRect();
    tip.style.left = `${Math.max(4, Math.min(x + pad, window.innerWidth - r.width - 4))}px`;
    tip.style.top = `${y + pad + r.height > window.innerHeight ? Math.max(4, y - r.height - pad) : y + pad}px`;
  };
  map.addEventListener('mousemove', (event) => {
    const e = event.target.closest('.node');
    if (!e) { tip.hidden = true; return; }
    describe(e);
    place(event.clientX, event.clientY);
  });
  map.addEventListener('mouseleave', () => { tip.hidden = true; });
  map.addEventListener('focusin', (event) => {
    const e = event.target.closest('.node');
    if (!e) return;
    const nodes = [...map.querySelectorAll('.node')];
    nodes.forEach((n) => { n.tabIndex = -1; });
    e.tabIndex = 0;
    current = nodes.indexOf(e);
    describe(e);
    const r = e.getBoundingClientRect();
    place(r.left + Math.min(r.width, 40), r.top + Math.min(r.height, 20));
  });
  map.addEventListener('focusout', () => { tip.hidden = true; });

  // ---- clicks and keys ----
  const activate = (e, focus) => {
    if (zoomed) { zoom(null, focus); return; }
    const crate = e.dataset.kind === 'crate' ? e.dataset.name : e.dataset.crate;
    if (crate) zoom(crate, focus);
  };
  map.addEventListener('click', (event) => {
    const e = event.target.closest('.node');
    if (e) activate(e, false);
  });
  map.addEventListener('keydown', (event) => {
    const nodes = [...map.querySelectorAll('.node')];
    const at = nodes.indexOf(document.activeElement);
    const move = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    if (move !== undefined && nodes.length) {
      nodes[(Math.max(at, 0) + move + nodes.length) % nodes.length].focus();
    } else if (event.key === 'Home' && nodes.length) {
      nodes[0].focus();
    } else if (event.key === 'End' && nodes.length) {
      nodes[nodes.length - 1].focus();
    } else if ((event.key === 'Enter' || event.key === ' ') && at >= 0) {
      activate(nodes[at], true);
    } else if ((event.key === 'Escape' || event.key === 'Backspace') && zoomed) {
      zoom(null, true);
    } else {
      return;
    }
    event.preventDefault();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === '/' && document.activeElement !== search) { event.preventDefault(); search.focus(); }
  });
  let pending = false;
  window.addEventListener('resize', () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  });

  render();
  document.body.dataset.ready = 'true';
})();
