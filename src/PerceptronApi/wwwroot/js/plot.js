// The decision-boundary plot, drawn on a canvas by the page: the samples (filled: class 1, rings: class 0), the line
// where z = θ of each unit, and the side that outputs 1 shaded. The samples are drawn once into an offscreen layer and
// copied for every epoch, so moving through 10 000 epochs redraws only the boundary.
import { netInput } from './model.js';

const CLASS_COLOURS = ['#2f6fb3', '#e0781c', '#2e9d5b', '#9b4dca', '#c7363c', '#7a6a12', '#128a8a', '#8a8a8a'];
const SHADES = ['rgba(47,111,179,0.13)', 'rgba(224,120,28,0.22)', 'rgba(46,157,91,0.2)', 'rgba(155,77,202,0.2)',
  'rgba(199,54,60,0.2)', 'rgba(122,106,18,0.2)', 'rgba(18,138,138,0.2)', 'rgba(138,138,138,0.2)'];
const LINE_COLOURS = ['#1b1b1b', '#7a3d00', '#1f5b99', '#7b2e9e', '#b02a30'];
const PAD = { left: 34, right: 12, top: 12, bottom: 30 };
const MAX_MARKED = 5000;

export class BoundaryPlot {
  constructor(canvas) {
    this.canvas = canvas;
    this.samples = [];
    this.domain = { x: [-0.5, 1.5], y: [-0.5, 1.5] };
    this.features = 2;
    this.draw = null;
    this.layer = document.createElement('canvas');
    this.layerValid = false;
    // The end-to-end tests find a data point's pixel through this, to check what the canvas shows there.
    canvas.boundaryPlot = this;
    new ResizeObserver(() => this.resize()).observe(canvas);
    this.resize();
  }

  resize() {
    const width = Math.max(200, Math.round(this.canvas.clientWidth || 360));
    const height = Math.round(Math.min(width * 0.85, 460));
    const ratio = window.devicePixelRatio || 1;
    if (this.canvas.width === Math.round(width * ratio) && this.canvas.height === Math.round(height * ratio)) return;
    this.canvas.height = Math.round(height * ratio);
    this.canvas.width = Math.round(width * ratio);
    this.width = width;
    this.height = height;
    this.ratio = ratio;
    this.layerValid = false;
    this.render();
  }

  /** samples: [{ x: [x1, x2, ...], cls: 0..K-1 }]; classes: number of classes. */
  setSamples(samples, { domain, features = 2 } = {}) {
    this.samples = samples;
    this.features = features;
    this.domain = domain || domainOf(samples, features);
    this.layerValid = false;
  }

  /**
   * model: what to draw. { units: [{bias, weights}], lineThreshold, classify(x1, x2) -> class, linear: bool,
   * predicted(sample) -> class (to mark misclassified samples) }.
   */
  show(draw) {
    this.draw = draw;
    this.render();
  }

  toPixel(x1, x2) {
    const { x, y } = this.domain;
    const w = this.width - PAD.left - PAD.right;
    const h = this.height - PAD.top - PAD.bottom;
    return [PAD.left + ((x1 - x[0]) / (x[1] - x[0])) * w, PAD.top + (1 - (x2 - y[0]) / (y[1] - y[0])) * h];
  }

  fromPixel(px, py) {
    const { x, y } = this.domain;
    const w = this.width - PAD.left - PAD.right;
    const h = this.height - PAD.top - PAD.bottom;
    return [x[0] + ((px - PAD.left) / w) * (x[1] - x[0]), y[0] + (1 - (py - PAD.top) / h) * (y[1] - y[0])];
  }

  render() {
    if (!this.width) return;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, this.width, this.height);
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top, this.width - PAD.left - PAD.right, this.height - PAD.top - PAD.bottom);
    ctx.clip();
    if (this.draw) this.shade(ctx);
    ctx.restore();
    this.ensureLayer();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.layer, 0, 0);
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    if (this.draw) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(PAD.left, PAD.top, this.width - PAD.left - PAD.right, this.height - PAD.top - PAD.bottom);
      ctx.clip();
      this.lines(ctx);
      ctx.restore();
      this.markWrong(ctx);
    }
  }

  shade(ctx) {
    const { classify, linearUnit, threshold } = this.draw;
    if (linearUnit) {
      const polygon = this.halfPlane(linearUnit, threshold);
      if (polygon.length > 2) {
        ctx.fillStyle = SHADES[1];
        ctx.beginPath();
        polygon.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
        ctx.closePath();
        ctx.fill();
      }
      return;
    }
    if (!classify) return;
    const cell = 5;
    for (let py = PAD.top; py < this.height - PAD.bottom; py += cell) {
      for (let px = PAD.left; px < this.width - PAD.right; px += cell) {
        const [x1, x2] = this.fromPixel(px + cell / 2, py + cell / 2);
        const cls = classify(x1, x2);
        if (cls === 0 && this.draw.classes <= 2) continue;
        ctx.fillStyle = SHADES[cls % SHADES.length];
        ctx.fillRect(px, py, cell, cell);
      }
    }
  }

  /** The part of the plot where a linear unit's z >= θ, as a polygon in pixels (the rectangle clipped by the line). */
  halfPlane(unit, threshold) {
    const f = (x1, x2) => this.value(unit, x1, x2) - threshold;
    const { x, y } = this.domain;
    const corners = [[x[0], y[0]], [x[1], y[0]], [x[1], y[1]], [x[0], y[1]]];
    const out = [];
    for (let i = 0; i < 4; i++) {
      const a = corners[i];
      const b = corners[(i + 1) % 4];
      const fa = f(...a);
      const fb = f(...b);
      if (fa >= 0) out.push(a);
      if ((fa >= 0) !== (fb >= 0)) {
        const t = fa / (fa - fb);
        out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
      }
    }
    return out.map(([x1, x2]) => this.toPixel(x1, x2));
  }

  value(unit, x1, x2) {
    const point = this.features === 1 ? [x1] : [x1, x2, ...(this.draw.rest || [])];
    return netInput(unit, point);
  }

  lines(ctx) {
    const { units, lineThreshold } = this.draw;
    if (!units) return;
    const { x, y } = this.domain;
    units.forEach((unit, k) => {
      // z is linear in (x1, x2): z = c + a·x1 + b·x2 with the other features held.
      const c = this.value(unit, 0, 0) - lineThreshold;
      const a = this.value(unit, 1, 0) - lineThreshold - c;
      const b = this.features === 1 ? 0 : this.value(unit, 0, 1) - lineThreshold - c;
      let p;
      let q;
      if (Math.abs(b) > 1e-12 * Math.max(1, Math.abs(a))) {
        p = [x[0], -(c + a * x[0]) / b];
        q = [x[1], -(c + a * x[1]) / b];
      } else if (Math.abs(a) > 0) {
        p = [-c / a, y[0]];
        q = [-c / a, y[1]];
      } else {
        return;
      }
      ctx.strokeStyle = units.length > 1 && this.draw.classes > 2
        ? CLASS_COLOURS[k % CLASS_COLOURS.length] : LINE_COLOURS[k % LINE_COLOURS.length];
      ctx.lineWidth = 2.5;
      ctx.setLineDash(this.draw.dashed ? [6, 4] : []);
      ctx.beginPath();
      ctx.moveTo(...this.toPixel(...p));
      ctx.lineTo(...this.toPixel(...q));
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  markWrong(ctx) {
    const { predicted } = this.draw;
    if (!predicted || this.samples.length > MAX_MARKED) return;
    ctx.strokeStyle = '#c7363c';
    ctx.lineWidth = 2;
    for (const sample of this.samples) {
      if (predicted(sample) === sample.cls) continue;
      const [px, py] = this.point(sample);
      ctx.beginPath();
      ctx.moveTo(px - 9, py - 9); ctx.lineTo(px + 9, py + 9);
      ctx.moveTo(px + 9, py - 9); ctx.lineTo(px - 9, py + 9);
      ctx.stroke();
    }
  }

  point(sample) {
    return this.toPixel(sample.x[0], this.features === 1 ? 0 : sample.x[1]);
  }

  ensureLayer() {
    if (this.layerValid) return;
    this.layer.width = this.canvas.width;
    this.layer.height = this.canvas.height;
    const ctx = this.layer.getContext('2d');
    ctx.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    this.axes(ctx);
    const radius = this.samples.length > 400 ? 2.5 : 6;
    for (const sample of this.samples) {
      const [px, py] = this.point(sample);
      const colour = CLASS_COLOURS[sample.cls % CLASS_COLOURS.length];
      ctx.beginPath();
      ctx.arc(px, py, radius, 0, 2 * Math.PI);
      if (sample.cls === 0 && !sample.filled) {
        ctx.fillStyle = '#ffffff';
        ctx.fill();
        ctx.strokeStyle = colour;
        ctx.lineWidth = 2.5;
        ctx.stroke();
      } else {
        ctx.fillStyle = colour;
        ctx.fill();
      }
    }
    this.layerValid = true;
  }

  axes(ctx) {
    const { x, y } = this.domain;
    ctx.strokeStyle = '#c9ced6';
    ctx.fillStyle = '#4a5361';
    ctx.lineWidth = 1;
    ctx.font = '12px system-ui, sans-serif';
    ctx.strokeRect(PAD.left, PAD.top, this.width - PAD.left - PAD.right, this.height - PAD.top - PAD.bottom);
    ctx.textAlign = 'center';
    for (const t of ticks(x[0], x[1])) {
      const [px] = this.toPixel(t, y[0]);
      ctx.fillText(String(t), px, this.height - PAD.bottom + 14);
      if (t === 0) this.gridLine(ctx, px, PAD.top, px, this.height - PAD.bottom);
    }
    ctx.textAlign = 'right';
    ctx.fillText('x1', this.width - PAD.right - 4, this.height - PAD.bottom - 4);
    ctx.textAlign = 'right';
    if (this.features > 1) {
      for (const t of ticks(y[0], y[1])) {
        const [, py] = this.toPixel(x[0], t);
        ctx.fillText(String(t), PAD.left - 5, py + 4);
        if (t === 0) this.gridLine(ctx, PAD.left, py, this.width - PAD.right, py);
      }
      ctx.textAlign = 'left';
      ctx.fillText('x2', PAD.left + 4, PAD.top + 12);
    }
  }

  gridLine(ctx, x0, y0, x1, y1) {
    ctx.beginPath();
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    ctx.stroke();
  }
}

function domainOf(samples, features) {
  if (!samples.length) return { x: [-0.5, 1.5], y: [-0.5, 1.5] };
  const range = index => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const sample of samples) {
      const value = index < features ? sample.x[index] : 0;
      if (value < lo) lo = value;
      if (value > hi) hi = value;
    }
    const span = hi - lo || 1;
    return [lo - span * 0.25, hi + span * 0.25];
  };
  return { x: range(0), y: features > 1 ? range(1) : [-1, 1] };
}

function ticks(lo, hi) {
  const span = hi - lo;
  const step = 10 ** Math.floor(Math.log10(span / 4));
  const nice = [1, 2, 5, 10].map(m => m * step).find(s => span / s <= 6) || step * 10;
  const out = [];
  for (let t = Math.ceil(lo / nice) * nice; t <= hi + 1e-9; t += nice) out.push(Number(t.toPrecision(6)));
  return out;
}
