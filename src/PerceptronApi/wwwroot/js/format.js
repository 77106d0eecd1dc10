// How numbers are shown: rounded to 10 significant digits (0.9000000000000001 reads 0.9, 0.08750000000000002 reads
// 0.0875), or exactly as the service sent them when "show exact floating-point values" is ticked. The exact value is
// always in the element's title, so nothing is hidden.
let exact = false;
const listeners = new Set();

export function setExact(value) {
  exact = value;
  for (const listener of listeners) listener();
}

export function onFormatChange(listener) {
  listeners.add(listener);
}

export function num(value) {
  if (typeof value !== 'number') return String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Object.is(value, -0)) return '0';
  return exact ? String(value) : String(Number(value.toPrecision(10)));
}

export function list(values) {
  return `[${values.map(num).join(', ')}]`;
}

/** Sets an element's text to a formatted number and its title to the exact one. */
export function setNumber(element, value) {
  element.textContent = num(value);
  element.title = typeof value === 'number' ? String(value) : '';
}

/** "bias 0.5, weights [-0.1, -0.1]": the text of one unit. */
export function unitText(unit) {
  return `bias ${num(unit.bias)}, weights ${list(unit.weights)}`;
}

/** One line per unit of a record or a result: a perceptron, one-vs-rest units, or a network's layers. */
export function modelText(model) {
  if (model.layers) {
    return model.layers.map((layer, l) => {
      const name = l === model.layers.length - 1 ? 'output layer' : `hidden layer ${l + 1}`;
      return `${name}: ${layer.map((unit, u) => `unit ${u + 1} ${unitText(unit)}`).join('; ')}`;
    }).join('\n');
  }
  if (model.units) {
    return model.units.map(unit => `class ${unit.class}: ${unitText(unit)}`).join('\n');
  }
  return unitText(model);
}

export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === 'class') element.className = value;
    else if (key === 'text') element.textContent = value;
    else element.setAttribute(key, value);
  }
  element.append(...children);
  return element;
}
