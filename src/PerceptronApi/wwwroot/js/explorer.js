// Part 1, the tutorial's "guess the weights" step: w0, w1, w2 (sliders and numbers), a target gate, the truth table
// from the service (every z, output, expected and error) and the plot of the four inputs with the line z = θ.
import { api, ApiProblem, clearFieldErrors, showFieldErrors } from './api.js';
import { el, num, onFormatChange, setNumber } from './format.js';
import { forward } from './model.js';
import { BoundaryPlot } from './plot.js';

const ROWS = [[0, 0], [0, 1], [1, 0], [1, 1]];
const GUESS = { bias: 0.4, weights: [0.7, -0.2] };
const THRESHOLD = 0.5;

export function createExplorer(gates) {
  const root = document.getElementById('explorer');
  const numbers = ['w0', 'w1', 'w2'].map(id => document.getElementById(id));
  const ranges = ['w0', 'w1', 'w2'].map(id => document.getElementById(`${id}-range`));
  const target = document.getElementById('explorer-target');
  const table = document.getElementById('truth-table');
  const score = document.getElementById('explorer-score');
  const problemBox = document.getElementById('explorer-problem');
  const formula = document.getElementById('explorer-formula');
  const networkBox = document.getElementById('explorer-network');
  const networkText = document.getElementById('explorer-network-text');
  const plot = new BoundaryPlot(document.getElementById('explorer-plot'));
  const twoInput = gates.filter(gate => gate.arity === 2);
  const byName = new Map(gates.map(gate => [gate.name, gate]));

  let network = null;
  let inFlight = null;
  let lastResponse = null;

  for (const gate of twoInput) target.append(el('option', { value: gate.name, text: gate.name }));
  target.value = 'NOR';

  const catalogue = document.getElementById('catalogue-buttons');
  for (const gate of twoInput) {
    const button = el('button', { type: 'button', 'data-gate': gate.name, text: gate.name });
    button.addEventListener('click', () => loadGate(gate));
    catalogue.append(button, ' ');
  }

  for (const button of root.querySelectorAll('[data-preset]')) {
    button.addEventListener('click', () => {
      const name = button.dataset.preset;
      if (name === 'guess') {
        setWeights(GUESS);
        target.value = 'NOR';
        update();
      } else {
        loadGate(byName.get(name));
      }
    });
  }

  numbers.forEach((input, i) => {
    input.addEventListener('input', () => {
      if (input.value !== '' && Number.isFinite(input.valueAsNumber)) ranges[i].value = String(input.valueAsNumber);
      network = null;
      update();
    });
    ranges[i].addEventListener('input', () => {
      input.value = ranges[i].value;
      network = null;
      update();
    });
  });
  target.addEventListener('change', update);
  document.getElementById('explorer-network-close').addEventListener('click', () => {
    network = null;
    update();
  });
  onFormatChange(() => lastResponse && renderTable(lastResponse));

  function loadGate(gate) {
    target.value = gate.name;
    if (gate.layers.length === 1 && gate.layers[0].length === 1) {
      setWeights(gate.layers[0][0]);
      network = null;
    } else {
      network = gate;
    }
    update();
  }

  function setWeights(unit) {
    const values = [unit.bias, ...unit.weights];
    numbers.forEach((input, i) => {
      input.value = String(values[i]);
      ranges[i].value = String(values[i]);
    });
  }

  function readWeights() {
    clearFieldErrors(root);
    const values = numbers.map(input => input.valueAsNumber);
    let ok = true;
    values.forEach((value, i) => {
      if (!Number.isFinite(value)) {
        document.getElementById(`w${i}-error`).textContent = `w${i} must be a number.`;
        numbers[i].setAttribute('aria-invalid', 'true');
        ok = false;
      }
    });
    return ok ? { bias: values[0], weights: [values[1], values[2]] } : null;
  }

  function expectedOf(name) {
    const gate = byName.get(name);
    return ROWS.map(x => forward(gate.layers, x, 'step', gate.threshold).output);
  }

  function update() {
    const unit = network ? null : readWeights();
    networkBox.hidden = !network;
    root.classList.toggle('network-mode', Boolean(network));
    const expected = expectedOf(target.value);
    plot.setSamples(ROWS.map((x, i) => ({ x, cls: expected[i] })), { domain: { x: [-0.5, 1.5], y: [-0.5, 1.5] } });
    if (network) {
      describeNetwork(network);
      plot.show({
        classify: (x1, x2) => forward(network.layers, [x1, x2], 'step', network.threshold).output,
        classes: 2, units: network.layers[0], lineThreshold: network.threshold, dashed: true,
        predicted: sample => forward(network.layers, sample.x, 'step', network.threshold).output,
      });
    } else if (unit) {
      formula.textContent = `z = ${num(unit.bias)} + ${num(unit.weights[0])}·x1 + ${num(unit.weights[1])}·x2; output 1 when z ≥ ${THRESHOLD}`;
      plot.show({
        linearUnit: unit, threshold: THRESHOLD, units: [unit], lineThreshold: THRESHOLD, classes: 2,
        predicted: sample => ((unit.bias + unit.weights[0] * sample.x[0]) + unit.weights[1] * sample.x[1] >= THRESHOLD ? 1 : 0),
      });
    } else {
      plot.show(null);
      return;
    }
    request(network ? { layers: network.layers, target: target.value } : { ...unit, target: target.value });
  }

  function describeNetwork(gate) {
    const [hidden, output] = gate.layers;
    networkText.textContent = `${gate.name}: ${gate.description} Hidden layer: ${hidden.map((u, i) =>
      `unit ${i + 1} (bias ${num(u.bias)}, weights [${u.weights.map(num).join(', ')}])`).join(', ')}; output unit: bias ${num(output[0].bias)}, weights [${output[0].weights.map(num).join(', ')}]. The dashed lines are the hidden units' z = θ; the shaded region outputs 1.`;
    formula.textContent = 'A network: the hidden units see x1, x2; the output unit sees the hidden outputs.';
  }

  async function request(body) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    try {
      const response = await api.predict(body, controller.signal);
      if (controller !== inFlight) return;
      problemBox.hidden = true;
      lastResponse = response;
      renderTable(response);
    } catch (error) {
      if (error.name === 'AbortError' || controller !== inFlight) return;
      showProblem(error);
    }
  }

  function showProblem(error) {
    const unplaced = error instanceof ApiProblem
      ? showFieldErrors(error.errors, key => ({ bias: 'w0', 'weights[0]': 'w1', 'weights[1]': 'w2', target: 'explorer-target' })[key])
      : [];
    problemBox.textContent = [error.message, ...unplaced].join(' ');
    problemBox.hidden = false;
  }

  function renderTable(response) {
    const hasHidden = response.predictions.some(row => row.hidden);
    const head = table.tHead.rows[0];
    head.replaceChildren(...['x1', 'x2', ...(hasHidden ? ['hidden outputs'] : []), 'z', 'output', 'expected', 'error']
      .map(text => el('th', { scope: 'col', text })));
    const body = table.tBodies[0];
    body.replaceChildren(...response.predictions.map(row => {
      const tr = el('tr', { class: row.error ? 'wrong' : 'right' });
      const cell = value => {
        const td = el('td');
        setNumber(td, value);
        return td;
      };
      tr.append(cell(row.inputs[0]), cell(row.inputs[1]));
      if (hasHidden) tr.append(el('td', { text: row.hidden.map(layer => `[${layer.map(num).join(', ')}]`).join(' ') }));
      tr.append(cell(row.z), cell(row.output), cell(row.expected), cell(row.error));
      return tr;
    }));
    const { correct, count, accuracy } = response.summary;
    score.textContent = `${correct} of ${count} right (accuracy ${num(accuracy)})${correct === count ? ': these weights compute the gate.' : '.'}`;
  }

  setWeights(GUESS);
  update();
}
