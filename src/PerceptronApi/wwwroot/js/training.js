// Parts 2 and 3: the training form, the job followed live over its event stream (or read a page at a time when it has
// already finished), and the replay of any epoch. Drawing happens at most once per animation frame.
import { api, ApiProblem, clearFieldErrors, showFieldErrors } from './api.js';
import { el, modelText, num, onFormatChange, setNumber } from './format.js';
import { forward, netInput, sigmoid, classifier, linesOf } from './model.js';
import { BoundaryPlot } from './plot.js';
import { JobHistory } from './history.js';
import { LossChart } from './chart.js';
import { parseCsv } from './csv.js';

const FINISHED = new Set(['succeeded', 'failed', 'canceled']);
const MAX_SAMPLE_ROWS = 32;

export function createTraining(gates) {
  const form = document.getElementById('train-form');
  const $ = id => document.getElementById(id);
  const gateSelect = $('gate');
  const csvBox = $('csv');
  const algorithm = $('algorithm');
  const status = $('job-status');
  const jobLink = $('job-link');
  const progress = $('job-progress');
  const resultBox = $('result');
  const problemBox = $('train-problem');
  const slider = $('epoch-slider');
  const playButton = $('play');
  const speed = $('speed');
  const samplesTable = $('samples-table');
  const boundaryCaption = $('boundary-caption');
  const byName = new Map(gates.map(gate => [gate.name, gate]));
  const plot = new BoundaryPlot($('boundary'));
  const chart = new LossChart($('loss-chart'), index => { follow = false; show(index); });

  let job = null;
  let history = new JobHistory();
  let stream = null;
  let samples = [];
  let context = null;
  let shown = 0;
  let follow = true;
  let frame = 0;
  let chartDirty = false;
  let playing = false;
  let lastTick = 0;
  let position = 0;
  let generation = 0;

  for (const gate of gates) gateSelect.append(el('option', { value: gate.name, text: `${gate.name}${gate.linearlySeparable ? '' : ' (not linearly separable)'}` }));
  gateSelect.value = 'NOR';
  gateSelect.addEventListener('change', () => { $('source-gate').checked = true; });
  csvBox.addEventListener('input', () => { $('source-csv').checked = csvBox.value.trim() !== ''; $('source-gate').checked = csvBox.value.trim() === ''; });
  algorithm.addEventListener('change', showAlgorithmFields);
  showAlgorithmFields();

  form.addEventListener('submit', event => {
    event.preventDefault();
    start();
  });
  $('cancel').addEventListener('click', async () => {
    if (!job) return;
    try {
      await api.cancel(job.id);
    } catch (error) {
      showProblem(error);
    }
  });
  slider.addEventListener('input', () => {
    follow = Number(slider.value) === history.length - 1 && !FINISHED.has(job?.status);
    stop();
    show(Number(slider.value));
  });
  playButton.addEventListener('click', () => (playing ? stop() : play()));
  onFormatChange(() => { if (history.length) show(shown); if (job) describeResult(); });

  function showAlgorithmFields() {
    $('hidden-layers-field').hidden = algorithm.value !== 'backpropagation';
    $('tolerance-field').hidden = !['adaline', 'backpropagation'].includes(algorithm.value);
  }

  function readNumber(id, problems, integer = false) {
    const input = $(id);
    if (input.closest('[hidden]')) return undefined;
    if (input.validity.badInput) {
      problems.push([id, 'must be a number.']);
      return undefined;
    }
    if (input.value.trim() === '') return undefined;
    const value = Number(input.value);
    if (integer && !Number.isInteger(value)) {
      problems.push([id, 'must be a whole number.']);
      return undefined;
    }
    return value;
  }

  /** The request from the form, or null when a field cannot be read (shown next to it). */
  function readRequest() {
    const problems = [];
    const request = { algorithm: algorithm.value };
    const learningRate = readNumber('learning-rate', problems);
    const maxEpochs = readNumber('max-epochs', problems, true);
    const seed = readNumber('seed', problems, true);
    const tolerance = readNumber('tolerance', problems);
    if (learningRate !== undefined) request.learningRate = learningRate;
    if (maxEpochs !== undefined) request.maxEpochs = maxEpochs;
    if (seed !== undefined) request.seed = seed;
    if (tolerance !== undefined) request.tolerance = tolerance;
    if ($('initialization').value) request.initialization = $('initialization').value;
    request.shuffle = $('shuffle').checked;
    if (algorithm.value === 'backpropagation') {
      const sizes = $('hidden-layers').value.split(',').map(part => part.trim()).filter(Boolean);
      if (!sizes.length || sizes.some(size => !/^\d+$/.test(size))) problems.push(['hidden-layers', 'must be whole numbers separated by commas, such as 2 or 3,2.']);
      else request.hiddenLayers = sizes.map(Number);
    }
    for (const [id, message] of problems) {
      const input = $(id);
      const errorId = input.getAttribute('aria-describedby');
      $(errorId).textContent = `${input.labels[0]?.textContent.trim() || id}: ${message}`;
      input.setAttribute('aria-invalid', 'true');
    }
    return problems.length ? null : request;
  }

  async function start() {
    clearFieldErrors(form);
    problemBox.hidden = true;
    const request = readRequest();
    if (!request) {
      showProblem(new ApiProblem({ detail: 'Some fields need fixing before training can start: see the messages next to them.' }, 0));
      return;
    }
    const useCsv = $('source-csv').checked;
    if (useCsv && !csvBox.value.trim()) {
      $('csv-error').textContent = 'Paste some samples first, one a row with the label last.';
      csvBox.setAttribute('aria-invalid', 'true');
      return;
    }
    $('train').disabled = true;
    try {
      let started;
      let source;
      if (useCsv) {
        const query = Object.fromEntries(Object.entries(request).map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : String(value)]));
        started = await api.startCsvJob(csvBox.value, query);
        source = { csv: parseCsv(csvBox.value) };
      } else {
        started = await api.startJob({ gate: gateSelect.value, ...request });
        source = { gate: byName.get(gateSelect.value) };
      }
      follow = true;
      begin(started, source);
      listen();
    } catch (error) {
      showProblem(error, useCsv);
    } finally {
      $('train').disabled = false;
    }
  }

  function showProblem(error, useCsv = $('source-csv').checked) {
    const field = key => {
      const name = key.replace(/^\$\.?/, '').split(/[[.]/)[0];
      if (['learningRate', 'maxEpochs', 'algorithm', 'initialization', 'seed', 'shuffle', 'tolerance', 'hiddenLayers', 'gate'].includes(name)) return name;
      if (/^(inputs|labels|line|row|column|csv|body|samples|features)/i.test(name)) return useCsv ? 'csv' : 'gate';
      return null;
    };
    const unplaced = error instanceof ApiProblem ? showFieldErrors(error.errors, field) : [];
    problemBox.textContent = [error.message, ...unplaced].join(' ');
    problemBox.hidden = false;
  }

  /** A new job on the page: its samples for the plot, an empty history, the status. */
  function begin(started, source) {
    stream?.close();
    stream = null;
    stop();
    generation++;
    job = started;
    history = new JobHistory(Math.min((started.parameters?.maxEpochs ?? 100) + 1, 16384));
    chart.clear();
    shown = 0;
    position = 0;
    setSamples(started.parameters, source);
    window.history.replaceState(null, '', `#job=${encodeURIComponent(started.id)}`);
    jobLink.href = api.jobUrl(started.id);
    jobLink.hidden = false;
    resultBox.textContent = '';
    setStatus(started);
    schedule();
  }

  function setSamples(parameters, source) {
    const classes = parameters?.classes;
    const positive = label => (classes ? classes.indexOf(label) : (label === 1 ? 1 : 0));
    if (source.gate) {
      const gate = source.gate;
      const rows = Array.from({ length: 2 ** gate.arity }, (_, i) => Array.from({ length: gate.arity }, (_, b) => (i >> (gate.arity - 1 - b)) & 1));
      const labels = rows.map(x => forward(gate.layers, x, 'step', gate.threshold).output);
      const sign = parameters?.activation === 'sign';
      samples = rows.map((x, i) => ({ x, label: sign ? (labels[i] ? 1 : -1) : labels[i], cls: labels[i] }));
    } else {
      const { rows, labels } = source.csv;
      const distinct = classes || (labels.every(l => typeof l === 'number' && [0, 1, -1].includes(l)) ? null
        : [...new Set(labels)].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1)));
      samples = rows.map((x, i) => ({ x, label: labels[i], cls: distinct ? distinct.indexOf(labels[i]) : positive(labels[i]) }));
    }
    const features = parameters?.features ?? samples[0]?.x.length ?? 2;
    const rest = [];
    for (let f = 2; f < features; f++) rest.push(samples.reduce((sum, s) => sum + s.x[f], 0) / Math.max(1, samples.length));
    const binaryInputs = samples.every(s => s.x.every(v => v === 0 || v === 1));
    plot.setSamples(samples, { features: Math.min(features, 2), domain: binaryInputs ? { x: [-0.5, 1.5], y: features > 1 ? [-0.5, 1.5] : [-1, 1] } : undefined });
    const classCount = Math.max(2, classes?.length ?? 0, ...samples.map(s => s.cls + 1));
    context = { parameters, features, rest, classes: classCount, labelsOf: classes };
    boundaryCaption.textContent = features > 2
      ? `The plot shows the first two of ${features} features (x1, x2); the lines hold the other features at their means.`
      : 'The training samples (filled: label 1, rings: 0; a red cross: misclassified by the epoch shown) and its boundary.';
  }

  /** Follows a queued or running job over its event stream; the browser resumes after the last epoch if it drops. */
  function listen() {
    const mine = generation;
    const source = new EventSource(api.eventsUrl(job.id));
    stream = source;
    source.addEventListener('epoch', event => {
      if (mine !== generation) return;
      if (history.push(JSON.parse(event.data))) {
        chartDirty = true;
        if (job.status === 'queued') job.status = 'running';
        schedule();
      }
    });
    for (const name of ['completed', 'failed', 'canceled']) {
      source.addEventListener(name, event => {
        source.close();
        if (mine !== generation) return;
        job = JSON.parse(event.data);
        finish();
      });
    }
    source.addEventListener('error', async () => {
      if (source.readyState !== EventSource.CLOSED || mine !== generation) return;
      // The stream was refused (not reconnecting): read the job and its history instead.
      try {
        await load(job.id, false);
      } catch (error) {
        showProblem(error);
      }
    });
  }

  function finish() {
    setStatus(job);
    describeResult();
    schedule();
  }

  /** Opens a job by id (the page's #job= link): a finished one is read a page at a time, a live one followed. */
  async function load(id, fresh = true) {
    const found = await api.job(id);
    if (fresh || !job || job.id !== id) {
      const gate = found.parameters?.gate ? byName.get(found.parameters.gate) : null;
      begin(found, gate ? { gate } : { csv: { rows: [], labels: [] } });
    } else {
      job = found;
      setStatus(found);
    }
    if (!FINISHED.has(found.status)) {
      listen();
      return;
    }
    const mine = generation;
    let next = `api/v1/training-jobs/${encodeURIComponent(id)}/history?from=${history.length}&limit=1000`;
    while (next && mine === generation) {
      const page = await api.historyPage(next.replace(/^\//, ''));
      for (const record of page.items) history.push(record);
      chartDirty = true;
      schedule();
      next = page.next;
    }
    if (mine === generation) finish();
  }

  function setStatus(current) {
    status.textContent = current.status;
    status.className = `status status-${current.status}`;
    $('cancel').hidden = FINISHED.has(current.status);
    const p = current.parameters || {};
    progress.textContent = `${p.algorithm ?? ''}${p.gate ? ` on ${p.gate}` : ''}, ${p.samples ?? '?'} samples × ${p.features ?? '?'} features, η ${num(p.learningRate)}, up to ${p.maxEpochs} epochs${p.seed != null ? `, seed ${p.seed}` : ''}`;
  }

  function describeResult() {
    if (job.status === 'failed') {
      resultBox.textContent = `The job failed: ${job.error?.detail || job.error?.title || 'no reason given'}`;
      resultBox.className = 'result failed';
      return;
    }
    if (job.status === 'canceled') {
      resultBox.textContent = `The job was canceled${job.statusReason ? `: ${job.statusReason}` : ''} after ${history.length ? history.length - 1 : 0} epochs.`;
      resultBox.className = 'result';
      return;
    }
    const r = job.result;
    if (!r) return;
    const m = job.parameters?.samples ?? samples.length;
    const why = {
      converged: `Converged after ${r.epochs} epochs: epoch ${r.epochs} went by without a single update`,
      maxEpochsReached: `Not converged: it stopped at the limit of ${r.epochs} epochs while the rule was still changing the weights`,
      lossTolerance: `Stopped at epoch ${r.epochs}: the loss fell by less than the tolerance in one epoch`,
      targetLoss: `Reached the target loss at epoch ${r.epochs}`,
      cycle: r.cycle ? `Not converged, and it never will: the weights after epoch ${r.cycle.to} are exactly those after epoch ${r.cycle.from}, so the rule would repeat forever` : 'Not converged: the weights repeat, so the rule would cycle forever',
      canceled: 'Canceled',
    }[r.stopReason] || `Stopped: ${r.stopReason}`;
    const gate = job.parameters?.gate ? byName.get(job.parameters.gate) : null;
    const separable = gate && !gate.linearlySeparable && !r.layers ? ` ${gate.name} is not linearly separable: no single line puts its 1s on one side.` : '';
    const averaged = job.parameters?.algorithm === 'averaged' && r.converged && r.errors > 0
      ? ` (that is the running perceptron; the averaged weights shown still misclassify ${r.errors})` : '';
    const pocket = job.parameters?.algorithm === 'pocket' ? ' The result is the pocket: the best weights met on the way, not the last ones the history shows.' : '';
    const explanation = r.explanation ? ` ${r.explanation}` : '';
    resultBox.textContent = `${why}${averaged}.${explanation}${separable}${pocket} Final model: ${modelText(r).replace(/\n/g, '; ')}. ${r.errors} of ${m} samples misclassified (accuracy ${num(r.accuracy)}), loss ${num(r.loss)}.`;
    resultBox.className = `result ${r.converged ? 'converged' : 'not-converged'}`;
  }

  function schedule() {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function render(time) {
    frame = 0;
    const last = history.length - 1;
    if (chartDirty && history.length) {
      chart.update(history.columns());
      chartDirty = false;
    }
    slider.max = String(Math.max(0, last));
    slider.disabled = last < 0;
    playButton.disabled = last < 1;
    if (playing) {
      const rate = speed.value === 'run5' ? Math.max(1, last / 5) : Number(speed.value);
      position = Math.min(last, position + ((time - lastTick) / 1000) * rate);
      lastTick = time;
      if (position >= last && FINISHED.has(job?.status)) stop();
      else schedule();
      show(Math.floor(position));
    } else if (follow && last >= 0) {
      show(last);
    } else {
      chart.mark(shown);
    }
  }

  function play() {
    if (history.length < 2) return;
    if (shown >= history.length - 1) shown = 0;
    position = shown;
    playing = true;
    follow = false;
    lastTick = performance.now();
    playButton.textContent = 'Pause';
    playButton.setAttribute('aria-pressed', 'true');
    schedule();
  }

  function stop() {
    playing = false;
    playButton.textContent = 'Play';
    playButton.setAttribute('aria-pressed', 'false');
  }

  /** Shows one epoch: its numbers, its boundary and the samples under it (only this epoch is drawn). */
  function show(index) {
    const record = history.records[index];
    if (!record) return;
    shown = index;
    slider.value = String(index);
    slider.setAttribute('aria-valuetext', `epoch ${record.epoch} of ${history.length - 1}`);
    setNumber($('epoch'), record.epoch);
    $('weights').textContent = modelText(record);
    setNumber($('updates'), record.updates);
    setNumber($('errors'), record.errors);
    setNumber($('accuracy'), record.accuracy);
    setNumber($('loss'), record.loss);
    chart.mark(index);
    drawBoundary(record);
    renderSamples(record);
  }

  function predictor(model) {
    const threshold = context.parameters?.threshold ?? 0.5;
    if (model.layers) {
      return x => (forward(model.layers, x, 'sigmoid', threshold).output >= 0.5 ? 1 : 0);
    }
    if (model.units && model.units.length > 2) {
      return x => {
        let best = 0;
        model.units.forEach((unit, k) => { if (netInput(unit, x) > netInput(model.units[best], x)) best = k; });
        return best;
      };
    }
    const unit = model.units ? model.units[0] : model;
    return x => (netInput(unit, x) >= threshold ? 1 : 0);
  }

  function drawBoundary(record) {
    const threshold = context.parameters?.threshold ?? 0.5;
    const kind = record.layers ? 'sigmoid' : 'step';
    const single = !record.layers && !(record.units && record.units.length > 2);
    const unit = single ? (record.units ? record.units[0] : record) : null;
    const predict = predictor(record);
    plot.show({
      linearUnit: unit,
      threshold,
      rest: context.rest,
      classify: single ? null : classifier(record, { threshold, kind, rest: context.rest }),
      classes: context.classes,
      units: linesOf(record),
      lineThreshold: record.layers ? 0 : threshold,
      dashed: Boolean(record.layers),
      predicted: sample => predict(sample.x),
    });
  }

  function renderSamples(record) {
    if (!samples.length || samples.length > MAX_SAMPLE_ROWS) {
      samplesTable.hidden = true;
      return;
    }
    samplesTable.hidden = false;
    const threshold = context.parameters?.threshold ?? 0.5;
    const predict = predictor(record);
    const single = !record.layers && !(record.units && record.units.length > 2);
    const unit = single ? (record.units ? record.units[0] : record) : null;
    const width = samples[0].x.length;
    const names = Array.from({ length: width }, (_, i) => `x${i + 1}`);
    samplesTable.tHead.replaceChildren(el('tr', {}, ...[...names, 'label', record.layers ? 'ŷ' : 'z', 'predicted', ''].map(text => el('th', { scope: 'col', text }))));
    samplesTable.tBodies[0].replaceChildren(...samples.map(sample => {
      const predicted = predict(sample.x);
      const right = predicted === sample.cls;
      const tr = el('tr', { class: right ? 'right' : 'wrong' });
      for (const value of sample.x) { const td = el('td'); setNumber(td, value); tr.append(td); }
      tr.append(el('td', { text: String(sample.label) }));
      const zCell = el('td');
      if (unit) setNumber(zCell, netInput(unit, sample.x));
      else if (record.layers) setNumber(zCell, sigmoid(forward(record.layers, sample.x, 'sigmoid', threshold).z));
      else zCell.textContent = '–';
      const labelOf = cls => (context.labelsOf ? context.labelsOf[cls] : (cls === 1 ? 1 : (context.parameters?.activation === 'sign' ? -1 : 0)));
      tr.append(zCell, el('td', { text: String(labelOf(predicted)) }), el('td', { text: right ? '✓' : '✗ wrong', 'aria-label': right ? 'right' : 'wrong' }));
      return tr;
    }));
  }

  const match = /#job=([^&]+)/.exec(window.location.hash);
  if (match) load(decodeURIComponent(match[1])).catch(showProblem);
}
