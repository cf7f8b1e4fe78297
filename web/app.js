// app.js - the browser app's entry point. Talks only to this origin.
const out = document.getElementById('status');
fetch('/api/v1/health', { credentials: 'same-origin' })
  .then((r) => r.json())
  .then((j) => { out.textContent = j.status === 'ok' ? 'running' : 'unavailable'; })
  .catch(() => { out.textContent = 'unreachable'; });
