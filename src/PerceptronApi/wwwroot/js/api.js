// Every call to the service goes through here, so every problem (RFC 9457) reaches the page as an ApiProblem with its
// detail and field errors, and a service that cannot be reached as a message too: never a silent failure.
export class ApiProblem extends Error {
  constructor(problem, status) {
    super(problem.detail || problem.title || `The service answered ${status}.`);
    this.status = status;
    this.problem = problem;
    this.errors = problem.errors || {};
  }
}

async function send(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiProblem({ title: 'The service cannot be reached', detail: `The service cannot be reached (${error.message}).` }, 0);
  }
  const text = await response.text();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { detail: text.slice(0, 300) };
    }
  }
  if (!response.ok) {
    const problem = body && typeof body === 'object' ? body : {};
    if (!problem.detail) problem.detail = `${response.status} ${response.statusText || problem.title || ''}`.trim();
    const retryAfter = response.headers.get('Retry-After');
    if (retryAfter) problem.detail += ` Try again in ${retryAfter} s.`;
    throw new ApiProblem(problem, response.status);
  }
  return body;
}

export const api = {
  gates: () => send('api/v1/gates'),
  predict: (body, signal) => send('api/v1/predict', {
    method: 'POST', signal, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  }),
  startJob: body => send('api/v1/training-jobs', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  }),
  startCsvJob: (csv, query) => send(`api/v1/training-jobs?${new URLSearchParams(query)}`, {
    method: 'POST', headers: { 'Content-Type': 'text/csv' }, body: csv,
  }),
  job: id => send(`api/v1/training-jobs/${encodeURIComponent(id)}?history=false`),
  historyPage: url => send(url),
  cancel: id => send(`api/v1/training-jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
  jobUrl: id => `api/v1/training-jobs/${encodeURIComponent(id)}`,
  eventsUrl: id => `api/v1/training-jobs/${encodeURIComponent(id)}/events`,
  firstHistoryPage: id => `api/v1/training-jobs/${encodeURIComponent(id)}/history?from=0&limit=1000`,
};

/** Shows a problem's field errors next to their fields; returns the keys that have no field on the page. */
export function showFieldErrors(errors, fieldFor) {
  const unplaced = [];
  for (const [key, messages] of Object.entries(errors)) {
    const id = fieldFor(key);
    const target = id && document.getElementById(`${id}-error`);
    const text = `${key}: ${[].concat(messages).join(' ')}`;
    if (target) {
      target.textContent = target.textContent ? `${target.textContent} ${text}` : text;
      document.querySelector(`[aria-describedby~="${target.id}"]`)?.setAttribute('aria-invalid', 'true');
    } else {
      unplaced.push(text);
    }
  }
  return unplaced;
}

export function clearFieldErrors(root) {
  for (const element of root.querySelectorAll('.field-error')) element.textContent = '';
  for (const element of root.querySelectorAll('[aria-invalid]')) element.removeAttribute('aria-invalid');
}
