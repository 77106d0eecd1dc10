// The playground page: reads the gate catalogue, then wires the explorer and the training panel.
import { api } from './api.js';
import { setExact } from './format.js';
import { createExplorer } from './explorer.js';
import { createTraining } from './training.js';

const exact = document.getElementById('exact-numbers');
exact.addEventListener('change', () => setExact(exact.checked));
setExact(exact.checked);

try {
  const gates = await api.gates();
  createExplorer(gates);
  createTraining(gates);
  document.body.dataset.ready = 'true';
  performance.mark('page-ready');
} catch (error) {
  const box = document.getElementById('explorer-problem');
  box.textContent = `The gate catalogue could not be read: ${error.message}`;
  box.hidden = false;
}
