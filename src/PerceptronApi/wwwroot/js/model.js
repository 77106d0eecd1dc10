// The perceptron's arithmetic as the service does it (API.md §1): z summed left to right from the bias, each product
// rounded before it is added; JavaScript numbers are IEEE doubles without fused multiply-add, so these z are the
// service's z bit for bit.
export function netInput(unit, x) {
  let z = unit.bias;
  for (let i = 0; i < unit.weights.length; i++) z += unit.weights[i] * x[i];
  return z;
}

export const sigmoid = z => 1 / (1 + Math.exp(-z));

/**
 * Runs a network. `kind` is 'step' (the catalogue's gates: every unit a step unit with θ) or 'sigmoid'
 * (backpropagation). Returns the output unit's z and output, and each hidden layer's outputs.
 */
export function forward(layers, x, kind, threshold) {
  let input = x;
  const hidden = [];
  let z = 0;
  for (let l = 0; l < layers.length; l++) {
    const zs = layers[l].map(unit => netInput(unit, input));
    const outputs = zs.map(value => (kind === 'sigmoid' ? sigmoid(value) : (value >= threshold ? 1 : 0)));
    if (l < layers.length - 1) hidden.push(outputs);
    z = zs[0];
    input = outputs;
  }
  return { z, output: input[0], hidden };
}

/**
 * A classifier over the first two features for the plots: which side of the boundary a point (x1, x2) falls on.
 * `rest` fills the other features (their means), so a model of more features can be drawn in two dimensions.
 */
export function classifier(model, { threshold, kind, rest = [] }) {
  const point = (x1, x2) => [x1, x2, ...rest];
  if (model.layers) {
    return (x1, x2) => {
      const { output } = forward(model.layers, point(x1, x2), kind, threshold);
      return kind === 'sigmoid' ? (output >= 0.5 ? 1 : 0) : output;
    };
  }
  if (model.units && model.units.length > 2) {
    return (x1, x2) => {
      const x = point(x1, x2);
      let best = 0;
      let bestZ = -Infinity;
      model.units.forEach((unit, k) => {
        const z = netInput(unit, x);
        if (z > bestZ) { bestZ = z; best = k; }
      });
      return best;
    };
  }
  const unit = model.units ? model.units[0] : model;
  return (x1, x2) => (netInput(unit, point(x1, x2)) >= threshold ? 1 : 0);
}

/** The units whose lines are drawn: a perceptron, each one-vs-rest unit, or a network's first hidden layer. */
export function linesOf(model) {
  if (model.layers) return model.layers[0];
  if (model.units) return model.units;
  return [model];
}
