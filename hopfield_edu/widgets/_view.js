// SpinView: a ±1 grid you can paint with the mouse, a recall trajectory played in the
// browser (requestAnimationFrame, paced by the clock), and live plots of the energy, the
// overlaps with every stored pattern and (small grids) the energy of every neighbour state.
// No external requests: plain canvas drawing, no fonts or icons from a CDN.
// Data contract with hopfield_edu/widgets/_view.py (all arrays little-endian bytes):
//   state        int8[N]    the state at update `base` (row by row)
//   traj         int32[]    pending updates after `base`: +(i+1) sets neuron i to +1, -(i+1) to -1
//   traj_ends    int32[U]   end offset in `traj` of each of the U pending updates
//   trace_x      int32[S]   update index of each plotted sample
//   energy       float64[S] E at those updates;  overlaps float32[S*M] (row-major)
//   weights      float64[N*N] (small grids only) for the neighbour energies; theta float64[N]
//   position     the update shown (base <= position <= base + U)
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
  "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
const TOP_K = 8;
const FONT = "12px sans-serif";

function view(dv, Type) {
  if (!dv || !dv.byteLength) return new Type(0);
  // copy: typed arrays need an aligned offset, and the model may reuse its buffer
  const bytes = new Uint8Array(dv.buffer, dv.byteOffset, dv.byteLength).slice();
  return new Type(bytes.buffer);
}

function el(tag, cls, parent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (parent) parent.appendChild(e);
  return e;
}

function niceTicks(lo, hi, count) {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => span / s <= count) || 10 * mag;
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * span; v += step) out.push(+v.toPrecision(12));
  return out;
}

function fmt(v) {
  const a = Math.abs(v);
  if (a >= 1e5) return v.toExponential(1);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function sizeCanvas(cv, w, h) {
  const dpr = window.devicePixelRatio || 1;
  cv.style.width = `${w}px`;
  cv.style.height = `${h}px`;
  const W = Math.round(w * dpr), H = Math.round(h * dpr);
  if (cv.width !== W) cv.width = W;
  if (cv.height !== H) cv.height = H;
  const ctx = cv.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  ctx.font = FONT;
  return ctx;
}

// Axes frame with ticks; returns {x, y} mapping functions.
function axes(ctx, box, xr, yr, title, xlabel, ylabel) {
  const { l, t, w, h } = box;
  const x = (v) => l + ((v - xr[0]) / (xr[1] - xr[0] || 1)) * w;
  const y = (v) => t + h - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * h;
  ctx.fillStyle = "#222";
  ctx.font = "bold 13px sans-serif";
  ctx.textAlign = "left";
  ctx.textBaseline = "alphabetic";
  ctx.fillText(title, l, t - 8);
  ctx.font = FONT;
  ctx.strokeStyle = "#e6e6e6";
  ctx.lineWidth = 1;
  ctx.fillStyle = "#444";
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (const v of niceTicks(yr[0], yr[1], 4)) {
    ctx.beginPath(); ctx.moveTo(l, y(v)); ctx.lineTo(l + w, y(v)); ctx.stroke();
    ctx.fillText(fmt(v), l - 5, y(v));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const v of niceTicks(xr[0], xr[1], 5)) {
    if (v !== Math.round(v)) continue;
    ctx.fillText(String(v), x(v), t + h + 4);
  }
  ctx.strokeStyle = "#888";
  ctx.strokeRect(l, t, w, h);
  ctx.fillStyle = "#444";
  ctx.fillText(xlabel, l + w / 2, t + h + 18);
  ctx.save();
  ctx.translate(12, t + h / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(ylabel, 0, 0);
  ctx.restore();
  return { x, y };
}

function render({ model, el: root }) {
  const t0build = performance.now();
  root.classList.add("hv-root");
  const gridPanel = el("div", "hv-gridpanel", root);
  const grid = el("canvas", "hv-grid", gridPanel);
  const caption = el("div", "hv-caption", gridPanel);
  const plots = el("div", "hv-plots", root);
  const cvE = el("canvas", "hv-energy", plots);
  const cvM = el("canvas", "hv-overlap", plots);
  const cvN = el("canvas", "hv-neighbours", plots);
  grid.addEventListener("contextmenu", (e) => e.preventDefault());

  let rows = 0, cols = 0, n = 0, cell = 10;
  let base = 0, pos = 0, start = new Int8Array(0), cur = new Int8Array(0);
  let traj = new Int32Array(0), ends = new Int32Array(0);
  let tx = new Int32Array(0), energy = new Float64Array(0), ov = new Float32Array(0);
  let names = [], refs = [], weights = new Float64Array(0), theta = new Float64Array(0);
  let highlight = -1;
  let raf = null, playT0 = 0, playP0 = 0, painting = false, paintValue = 1, lastCell = null;

  function load() {
    rows = model.get("rows"); cols = model.get("cols"); n = rows * cols;
    start = view(model.get("state"), Int8Array);
    if (start.length !== n) start = new Int8Array(n).fill(-1);
    traj = view(model.get("traj"), Int32Array);
    ends = view(model.get("traj_ends"), Int32Array);
    tx = view(model.get("trace_x"), Int32Array);
    energy = view(model.get("energy"), Float64Array);
    ov = view(model.get("overlaps"), Float32Array);
    names = model.get("names") || [];
    refs = model.get("ref_energies") || [];
    weights = view(model.get("weights"), Float64Array);
    theta = view(model.get("theta"), Float64Array);
    base = model.get("base");
    highlight = model.get("highlight");
    cur = start.slice();
    pos = base;
    advance(Math.min(model.get("position"), base + ends.length));
    cell = Math.max(4, Math.min(48, Math.floor(model.get("max_px") / Math.max(rows, cols))));
  }

  // Apply pending updates until `target` (the neuron of the last one is highlighted).
  function advance(target) {
    while (pos < target) {
      const k = pos - base;
      for (let j = k ? ends[k - 1] : 0; j < ends[k]; j++) {
        const v = traj[j];
        const i = Math.abs(v) - 1;
        cur[i] = v > 0 ? 1 : -1;
        highlight = i;
      }
      if (k >= 0 && ends[k] - (k ? ends[k - 1] : 0) !== 1) highlight = -1; // a synchronous step
      pos++;
    }
  }

  // ------------------------------------------------------------------ grid
  function drawGrid() {
    const ctx = sizeCanvas(grid, cols * cell + 1, rows * cell + 1);
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, cols * cell + 1, rows * cell + 1);
    ctx.fillStyle = "#222222";
    for (let i = 0; i < n; i++) {
      if (cur[i] > 0) ctx.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell, cell);
    }
    if (cell >= 6) {
      ctx.strokeStyle = "#b0b0b0";
      ctx.lineWidth = 1;
      ctx.beginPath();
      for (let r = 0; r <= rows; r++) { ctx.moveTo(0, r * cell + 0.5); ctx.lineTo(cols * cell, r * cell + 0.5); }
      for (let c = 0; c <= cols; c++) { ctx.moveTo(c * cell + 0.5, 0); ctx.lineTo(c * cell + 0.5, rows * cell); }
      ctx.stroke();
    }
    if (highlight >= 0 && highlight < n) {
      ctx.strokeStyle = "#ff8c00";
      ctx.lineWidth = Math.max(2, Math.min(4, cell / 6));
      const r = Math.floor(highlight / cols), c = highlight % cols;
      ctx.strokeRect(c * cell + 1.5, r * cell + 1.5, cell - 2, cell - 2);
    }
    let s = "";
    for (let i = 0; i < n; i++) s += cur[i] > 0 ? "1" : "0";
    root.dataset.state = s;
    root.dataset.position = String(pos);
    root.dataset.highlight = String(highlight);
    const end = base + ends.length;
    const hl = highlight >= 0 ? ` · neuron (${Math.floor(highlight / cols)}, ${highlight % cols})` : "";
    caption.textContent = `${rows}×${cols} · update ${pos}${end > base ? ` of ${end}` : ""}${hl}`;
  }

  function paintCell(i) {
    const r = Math.floor(i / cols), c = i % cols;
    const ctx = grid.getContext("2d");
    ctx.fillStyle = cur[i] > 0 ? "#222222" : "#ffffff";
    const g = cell >= 6 ? 1 : 0;
    ctx.fillRect(c * cell + g, r * cell + g, cell - g, cell - g);
  }

  function cellAt(e) {
    const rect = grid.getBoundingClientRect();
    const c = Math.floor(((e.clientX - rect.left) / rect.width) * (cols * cell + 1) / cell);
    const r = Math.floor(((e.clientY - rect.top) / rect.height) * (rows * cell + 1) / cell);
    return { r: Math.min(rows - 1, Math.max(0, r)), c: Math.min(cols - 1, Math.max(0, c)) };
  }

  function brushAt(r0, c0) {
    const b = Math.max(1, model.get("brush"));
    const off = Math.floor((b - 1) / 2);
    for (let r = r0 - off; r < r0 - off + b; r++) {
      for (let c = c0 - off; c < c0 - off + b; c++) {
        if (r < 0 || c < 0 || r >= rows || c >= cols) continue;
        const i = r * cols + c;
        if (cur[i] !== paintValue) { cur[i] = paintValue; paintCell(i); }
      }
    }
  }

  function strokeTo(p, e) {
    // every cell on the segment from the last one, so a fast drag leaves no gaps
    const a = lastCell || p;
    const steps = Math.max(Math.abs(p.r - a.r), Math.abs(p.c - a.c), 1);
    for (let k = 1; k <= steps; k++) {
      brushAt(Math.round(a.r + ((p.r - a.r) * k) / steps), Math.round(a.c + ((p.c - a.c) * k) / steps));
    }
    lastCell = p;
    root.dataset.paintMs = (performance.now() - e.timeStamp).toFixed(2);
  }

  grid.addEventListener("pointerdown", (e) => {
    if (!model.get("editable") || raf) return;
    e.preventDefault();
    grid.setPointerCapture(e.pointerId);
    const p = cellAt(e);
    const tool = model.get("tool");
    const here = cur[p.r * cols + p.c];
    paintValue = tool === "paint" ? 1 : tool === "erase" ? -1
      : (e.button === 2 || e.shiftKey) ? -1 : -here;
    painting = true;
    lastCell = null;
    highlight = -1;
    strokeTo(p, e);
  });
  grid.addEventListener("pointermove", (e) => {
    if (!painting) return;
    const evs = e.getCoalescedEvents ? e.getCoalescedEvents() : [e];
    for (const ev of evs.length ? evs : [e]) strokeTo(cellAt(ev), e);
  });
  const endStroke = () => {
    if (!painting) return;
    painting = false;
    lastCell = null;
    drawGrid();
    model.set("state", new DataView(cur.slice().buffer));
    model.set("strokes", model.get("strokes") + 1);
    model.save_changes();
    if (reloadAfterStroke) { reloadAfterStroke = false; load(); drawAll(); }
  };
  grid.addEventListener("pointerup", endStroke);
  grid.addEventListener("pointercancel", endStroke);

  // ----------------------------------------------------------------- plots
  function sampleUpTo(p) {
    // number of plotted samples whose update index is <= p (tx is increasing)
    let lo = 0, hi = tx.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (tx[mid] <= p) lo = mid + 1; else hi = mid; }
    return lo;
  }

  function drawEnergy(width) {
    const ctx = sizeCanvas(cvE, width, 200);
    const k = sampleUpTo(pos);
    const xmax = Math.max(1, tx.length ? tx[tx.length - 1] : 1);
    let lo = Infinity, hi = -Infinity;
    for (const v of energy) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    for (const v of refs) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    if (!isFinite(lo)) { lo = -1; hi = 0; }
    const pad = (hi - lo) * 0.08 || 0.5;
    const box = { l: 58, t: 26, w: width - 58 - 70, h: 200 - 26 - 40 };
    const m = axes(ctx, box, [0, xmax], [lo - pad, hi + pad],
      model.get("energy_label"), "update", "E");
    // stored-pattern energies: dotted lines, labels in the right margin only where they fit
    ctx.setLineDash([2, 3]);
    ctx.strokeStyle = "#999";
    const order = refs.map((v, i) => i).sort((a, b) => refs[a] - refs[b]);
    let lastY = -Infinity;
    ctx.textAlign = "left";
    ctx.textBaseline = "middle";
    ctx.fillStyle = "#666";
    for (const i of order) {
      const y = m.y(refs[i]);
      ctx.beginPath(); ctx.moveTo(box.l, y); ctx.lineTo(box.l + box.w, y); ctx.stroke();
    }
    for (const i of order.slice().reverse()) {
      const y = m.y(refs[i]);
      if (y - lastY >= 14) { ctx.fillText(String(names[i] || "").slice(0, 8), box.l + box.w + 4, y); lastY = y; }
    }
    ctx.setLineDash([]);
    if (k) {
      ctx.strokeStyle = "#1f77b4";
      ctx.lineWidth = 1.6;
      ctx.beginPath();
      ctx.moveTo(m.x(tx[0]), m.y(energy[0]));
      for (let j = 1; j < k; j++) { ctx.lineTo(m.x(tx[j]), m.y(energy[j - 1])); ctx.lineTo(m.x(tx[j]), m.y(energy[j])); }
      ctx.stroke();
      ctx.fillStyle = "#1f77b4";
      ctx.beginPath(); ctx.arc(m.x(tx[k - 1]), m.y(energy[k - 1]), 3.5, 0, 2 * Math.PI); ctx.fill();
      root.dataset.energy = String(energy[k - 1]);
    }
    if (!k) {
      ctx.fillStyle = "#888"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText("nothing stored", box.l + box.w / 2, box.t + box.h / 2);
    }
    if (refs.length) {
      ctx.fillStyle = "#666"; ctx.textAlign = "right"; ctx.textBaseline = "alphabetic";
      ctx.fillText("dotted: stored patterns", box.l + box.w, box.t - 8);
    }
  }

  function drawOverlaps(width) {
    const M = names.length;
    const ctx = sizeCanvas(cvM, width, 220);
    const legendW = 128;
    const box = { l: 50, t: 26, w: width - 50 - legendW - 10, h: 220 - 26 - 40 };
    const k = sampleUpTo(pos);
    const xmax = Math.max(1, tx.length ? tx[tx.length - 1] : 1);
    const m = axes(ctx, box, [0, xmax], [-1.05, 1.05],
      "Overlap m_μ = ξ^μ·s / N  (anti-pattern: −1)", "update", "m");
    ctx.strokeStyle = "#888"; ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(box.l, m.y(0)); ctx.lineTo(box.l + box.w, m.y(0)); ctx.stroke();
    if (!M || !k) {
      ctx.fillStyle = "#888"; ctx.textAlign = "center"; ctx.textBaseline = "middle";
      ctx.fillText(M ? "no trace yet" : "nothing stored", box.l + box.w / 2, box.t + box.h / 2);
      return;
    }
    const now = [];
    for (let mu = 0; mu < M; mu++) now.push(ov[(k - 1) * M + mu]);
    const ranked = now.map((v, mu) => mu).sort((a, b) => Math.abs(now[b]) - Math.abs(now[a]));
    const top = new Set(ranked.slice(0, TOP_K));
    const line = (mu, color, lw) => {
      ctx.strokeStyle = color; ctx.lineWidth = lw; ctx.beginPath();
      ctx.moveTo(m.x(tx[0]), m.y(ov[mu]));
      for (let j = 1; j < k; j++) ctx.lineTo(m.x(tx[j]), m.y(ov[j * M + mu]));
      ctx.stroke();
    };
    for (let mu = 0; mu < M; mu++) if (!top.has(mu)) line(mu, "#d0d0d0", 1);
    for (let mu = M - 1; mu >= 0; mu--) if (top.has(mu)) line(mu, PALETTE[mu % PALETTE.length], 1.6);
    // legend outside the axes: the TOP_K largest |m| now, one row each
    ctx.textAlign = "left"; ctx.textBaseline = "middle";
    let y = box.t + 6;
    for (const mu of ranked.slice(0, TOP_K)) {
      ctx.fillStyle = PALETTE[mu % PALETTE.length];
      ctx.fillRect(box.l + box.w + 10, y - 5, 12, 10);
      ctx.fillStyle = "#222";
      const v = now[mu];
      ctx.fillText(`${String(names[mu]).slice(0, 6)} ${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(2)}`,
        box.l + box.w + 26, y);
      y += 17;
    }
    if (M > TOP_K) { ctx.fillStyle = "#888"; ctx.fillText(`+${M - TOP_K} more (grey)`, box.l + box.w + 10, y); }
    root.dataset.overlaps = now.map((v) => v.toFixed(4)).join(",");
  }

  function drawNeighbours(width) {
    if (weights.length !== n * n || n === 0) { cvN.style.display = "none"; return; }
    cvN.style.display = "";
    const ctx = sizeCanvas(cvN, width, 190);
    // E(s with neuron i flipped) = E(s) + 2 s_i (h_i - theta_i), h = W s (w_ii = 0, W symmetric)
    const h = new Float64Array(n);
    let e = 0;
    for (let i = 0; i < n; i++) {
      let acc = 0;
      for (let j = 0; j < n; j++) acc += weights[i * n + j] * cur[j];
      h[i] = acc;
      e += -0.5 * cur[i] * acc + (theta.length ? theta[i] * cur[i] : 0);
    }
    const nb = new Float64Array(n);
    let lo = e, hi = e;
    for (let i = 0; i < n; i++) {
      nb[i] = e + 2 * cur[i] * (h[i] - (theta.length ? theta[i] : 0));
      lo = Math.min(lo, nb[i]); hi = Math.max(hi, nb[i]);
    }
    const pad = (hi - lo) * 0.1 || 0.5;
    const box = { l: 58, t: 26, w: width - 58 - 70, h: 190 - 26 - 40 };
    const m = axes(ctx, box, [-0.5, n - 0.5], [lo - pad, hi + pad],
      "Energy of each neighbour state (flip one neuron)", "neuron flipped (row by row)", "E");
    const bw = Math.max(1, (box.w / n) * 0.7);
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = nb[i] < e - 1e-12 ? "#d62728" : "#9ecae1";
      const y0 = m.y(e), y1 = m.y(nb[i]);
      ctx.fillRect(m.x(i) - bw / 2, Math.min(y0, y1), bw, Math.max(1, Math.abs(y1 - y0)));
      if (i === highlight) {
        ctx.strokeStyle = "#ff8c00"; ctx.lineWidth = 2;
        ctx.strokeRect(m.x(i) - bw / 2 - 1, Math.min(y0, y1) - 1, bw + 2, Math.abs(y1 - y0) + 2);
      }
    }
    ctx.strokeStyle = "#222"; ctx.lineWidth = 1.2;
    ctx.beginPath(); ctx.moveTo(box.l, m.y(e)); ctx.lineTo(box.l + box.w, m.y(e)); ctx.stroke();
    ctx.fillStyle = "#222"; ctx.textAlign = "left"; ctx.textBaseline = "middle";
    ctx.fillText("now", box.l + box.w + 4, m.y(e));
    ctx.fillStyle = "#d62728"; ctx.textAlign = "right"; ctx.textBaseline = "alphabetic";
    ctx.fillText("red: flipping lowers E", box.l + box.w, box.t - 8);
    root.dataset.neighbours = Array.from(nb, (v) => v.toFixed(4)).join(",");
  }

  function plotWidth() {
    const w = plots.clientWidth || 520;
    return Math.max(300, Math.min(760, w));
  }

  function drawPlots() {
    const w = plotWidth();
    drawEnergy(w);
    drawOverlaps(w);
    drawNeighbours(w);
  }

  function drawAll() { drawGrid(); drawPlots(); }

  // -------------------------------------------------------------- playback
  function tick(now) {
    const end = base + ends.length;
    const rate = Math.max(0.1, model.get("rate"));
    const target = Math.min(end, playP0 + Math.max(0, Math.floor(((now - playT0) * rate) / 1000)));
    if (target > pos) { advance(target); drawAll(); }
    if (pos >= end) { stop(); return; }
    raf = requestAnimationFrame(tick);
  }

  function play() {
    if (raf) return;
    playT0 = performance.now();
    playP0 = pos;
    root.classList.add("hv-playing");
    raf = requestAnimationFrame(tick);
  }

  // Stop playing (end of the trajectory or Pause) and tell the kernel where we are.
  function stop() {
    if (!raf) return;
    cancelAnimationFrame(raf);
    raf = null;
    root.classList.remove("hv-playing");
    const secs = (performance.now() - playT0) / 1000;
    const done = pos - playP0;
    const delivered = secs > 0 ? done / secs : 0;
    root.dataset.delivered = delivered.toFixed(2);
    model.set("position", pos);
    model.set("delivered", delivered);
    model.set("playing", false);
    model.set("reports", model.get("reports") + 1);
    model.save_changes();
  }

  let pending = false, reloadAfterStroke = false;
  const reload = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      // the kernel's answer to the previous stroke must not wipe the one being drawn
      if (painting) { reloadAfterStroke = true; return; }
      if (raf) { cancelAnimationFrame(raf); raf = null; }
      load();
      drawAll();
      if (model.get("playing")) play();
    });
  };
  for (const a of ["rows", "cols", "state", "traj", "traj_ends", "trace_x", "energy", "overlaps",
    "names", "ref_energies", "weights", "theta", "base", "max_px", "energy_label"])
    model.on(`change:${a}`, reload);
  model.on("change:position", () => { if (!raf && model.get("position") !== pos) reload(); });
  model.on("change:highlight", () => { highlight = model.get("highlight"); drawAll(); });
  model.on("change:playing", () => {
    if (model.get("playing")) play(); else stop();
  });
  model.on("change:rate", () => { if (raf) { playT0 = performance.now(); playP0 = pos; } });
  model.on("change:editable", () => root.classList.toggle("hv-locked", !model.get("editable")));

  const ro = new ResizeObserver(() => drawPlots());
  ro.observe(plots);
  load();
  drawAll();
  root.classList.toggle("hv-locked", !model.get("editable"));
  root.dataset.buildMs = (performance.now() - t0build).toFixed(2);
  if (model.get("playing")) play();
  return () => { ro.disconnect(); if (raf) cancelAnimationFrame(raf); };
}

export default { render };
