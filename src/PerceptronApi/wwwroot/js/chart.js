// The errors and loss curves (uPlot). New epochs are handed over at most once per animation frame, however many
// arrived; the epoch shown is marked by moving the chart's cursor, which does not redraw the curves.
export class LossChart {
  constructor(container, onPick) {
    this.container = container;
    this.onPick = onPick;
    this.plot = null;
    this.count = 0;
    new ResizeObserver(() => this.resize()).observe(container);
  }

  size() {
    return { width: Math.max(240, Math.floor(this.container.clientWidth || 400)), height: 260 };
  }

  create(columns) {
    const { uPlot } = globalThis;
    const integers = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];
    this.plot = new uPlot({
      ...this.size(),
      scales: { x: { time: false }, errors: { range: (u, min, max) => [0, Math.max(1, max)] }, loss: { auto: true } },
      axes: [
        { label: 'epoch', incrs: integers },
        { scale: 'errors', label: 'misclassified', incrs: integers, stroke: '#c7363c' },
        { scale: 'loss', label: 'loss', side: 1, grid: { show: false }, stroke: '#2f6fb3' },
      ],
      series: [
        { label: 'epoch' },
        { label: 'misclassified', scale: 'errors', stroke: '#c7363c', width: 2, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: 'loss', scale: 'loss', stroke: '#2f6fb3', width: 2 },
      ],
      cursor: { drag: { x: false, y: false }, sync: { key: null } },
    }, columns, this.container);
    this.plot.over.addEventListener('click', () => {
      const index = this.plot.cursor.idx;
      if (index != null) this.onPick(index);
    });
  }

  /** The curves of all records so far (called once per frame when new records came). */
  update(columns) {
    this.count = columns[0].length;
    if (!this.plot) this.create(columns);
    else this.plot.setData(columns);
  }

  /** Marks the epoch shown. */
  mark(epoch) {
    if (!this.plot || !this.count) return;
    const left = this.plot.valToPos(epoch, 'x');
    this.plot.setCursor({ left, top: 10 });
  }

  clear() {
    this.plot?.destroy();
    this.plot = null;
    this.count = 0;
  }

  resize() {
    this.plot?.setSize(this.size());
  }
}
