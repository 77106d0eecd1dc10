// The records of one job, kept once: columns for the chart (typed arrays that grow by doubling, shown to the chart as
// views without copying) and the records themselves for the replay. Records arrive from the event stream or from
// history pages; one that is already held (a stream that resumed) is ignored, so nothing is stored or drawn twice.
export class JobHistory {
  constructor(capacity = 128) {
    this.records = [];
    this.allocate(capacity);
  }

  allocate(capacity) {
    const grow = old => {
      const next = new Float64Array(capacity);
      if (old) next.set(old.subarray(0, this.records.length));
      return next;
    };
    this.epochs = grow(this.epochs);
    this.errors = grow(this.errors);
    this.loss = grow(this.loss);
    this.capacity = capacity;
  }

  get length() {
    return this.records.length;
  }

  /** Adds a record if it is the next epoch; returns whether it was added. */
  push(record) {
    if (record.epoch !== this.records.length) return false;
    if (this.records.length === this.capacity) this.allocate(this.capacity * 2);
    const i = this.records.length;
    this.epochs[i] = record.epoch;
    this.errors[i] = record.errors;
    this.loss[i] = record.loss;
    this.records.push(record);
    return true;
  }

  /** The chart's data: views of the filled part of the columns. */
  columns() {
    const n = this.records.length;
    return [this.epochs.subarray(0, n), this.errors.subarray(0, n), this.loss.subarray(0, n)];
  }
}
