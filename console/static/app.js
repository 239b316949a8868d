// Paramedic console: a small single-page app over the JSON API. Data is put in the page with
// textContent only; the two SVG pictures come from the server, which escapes every label.
// biome-ignore lint/suspicious/noRedundantUseStrict: a classic script (index.html loads it without type=module), where the directive is not redundant
'use strict';
const TOKEN = document.querySelector('meta[name="paramedic-token"]').content;
const CAN_EXECUTE = document.querySelector('meta[name="paramedic-execute"]').content === 'true';
const view = document.getElementById('view');

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat())
    if (c !== undefined && c !== null && c !== false)
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
const pill = (text) => el('span', { class: `pill ${text || ''}` }, text || '—');
const time = (iso) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');

async function api(path, options) {
  const res = await fetch(path, options);
  const type = res.headers.get('content-type') || '';
  const body = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(body?.error || `${res.status} ${res.statusText}`);
  return body;
}
const post = (path, body) =>
  api(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Paramedic-Token': TOKEN },
    body: JSON.stringify(body),
  });

async function svgInto(container, path) {
  const text = await api(path);
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.querySelector('script')) throw new Error('unexpected picture');
  container.replaceChildren(document.importNode(svg, true));
}

function setNav(name) {
  for (const a of document.querySelectorAll('[data-nav]'))
    a.classList.toggle('active', a.dataset.nav === name);
}

async function refreshHeader() {
  try {
    const [chain, pending] = await Promise.all([
      api('/api/verify'),
      api('/api/approvals?status=pending'),
    ]);
    const c = document.getElementById('chain');
    c.className = `chain ${chain.ok ? 'ok' : 'bad'}`;
    c.textContent = chain.ok
      ? `chain ok · ${chain.entries} entries`
      : `chain BROKEN at seq ${chain.firstBroken.seq}`;
    c.title = chain.ok ? 'audit hash chain intact' : chain.firstBroken.reason;
    const b = document.getElementById('pending-count');
    b.hidden = pending.approvals.length === 0;
    b.textContent = String(pending.approvals.length);
  } catch {
    /* header is best effort */
  }
}

// ---- executions list ----
async function showExecutions(params) {
  setNav('executions');
  const q = new URLSearchParams();
  for (const k of ['target', 'runbook', 'outcome', 'since'])
    if (params.get(k)) q.set(k, params.get(k));
  // The outcome filter offers the server's list (the core's AUDIT_OUTCOMES).
  const { executions, outcomes } = await api(`/api/executions?${q}`);
  const form = el(
    'form',
    {
      class: 'filters',
      id: 'filters',
      onsubmit: (e) => {
        e.preventDefault();
        const q = new URLSearchParams();
        for (const [k, v] of new FormData(form)) if (v) q.set(k, v);
        location.hash = `#/executions?${q}`;
      },
    },
    el('input', { name: 'target', placeholder: 'target', value: params.get('target') || '' }),
    el('input', { name: 'runbook', placeholder: 'runbook', value: params.get('runbook') || '' }),
    el(
      'select',
      { name: 'outcome' },
      el('option', { value: '' }, 'any outcome'),
      ...outcomes.map((o) => el('option', { value: o, selected: params.get('outcome') === o }, o)),
    ),
    el('input', {
      name: 'since',
      placeholder: 'since (7d, ISO time)',
      value: params.get('since') || '',
    }),
    el('button', { type: 'submit' }, 'Filter'),
  );
  const rows = executions.map((x) =>
    el(
      'tr',
      {
        class: 'row',
        'data-id': x.executionId,
        onclick: () => {
          location.hash = `#/executions/${encodeURIComponent(x.executionId)}`;
        },
      },
      el(
        'td',
        {},
        el('a', { href: `#/executions/${encodeURIComponent(x.executionId)}` }, x.executionId),
      ),
      el('td', {}, time(x.startedAt)),
      el('td', {}, x.trigger),
      el('td', {}, x.target || '—'),
      el('td', {}, x.runbookId || 'unclassified'),
      el('td', {}, x.decision || '—'),
      el('td', {}, pill(x.outcome)),
      el('td', { class: 'muted' }, x.durationMs !== undefined ? `${x.durationMs} ms` : ''),
    ),
  );
  view.replaceChildren(
    el('h1', {}, 'Executions'),
    form,
    executions.length === 0
      ? el(
          'p',
          { class: 'muted', id: 'empty' },
          'No executions match. Run "npx paramedic triage --replay <bundle.json>" to make one.',
        )
      : el(
          'table',
          { id: 'executions' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...[
                'Execution',
                'Started',
                'Trigger',
                'Target',
                'Runbook',
                'Decision',
                'Outcome',
                'Took',
              ].map((h) => el('th', {}, h)),
            ),
          ),
          el('tbody', {}, rows),
        ),
  );
}

// ---- one execution ----
function evidenceView(ev) {
  const hits = new Set(ev.highlighted.map((h) => `${h.section}\u0000${h.line}`));
  const names = Object.keys(ev.sections).sort(
    (a, b) =>
      Number(ev.highlighted.some((h) => h.section === b)) -
      Number(ev.highlighted.some((h) => h.section === a)),
  );
  return names.map((name) => {
    const s = ev.sections[name];
    const lines = (s.output || '').split('\n');
    return el(
      'div',
      { class: 'evidence-section', 'data-section': name },
      el(
        'div',
        { class: 'section-name' },
        name,
        s.command ? el('span', { class: 'muted' }, `  $ ${s.command}`) : '',
      ),
      el(
        'pre',
        { class: 'section' },
        lines.map((line, i) =>
          el(
            'span',
            { class: hits.has(`${name}\u0000${i + 1}`) ? 'hit' : undefined },
            el('i', {}, String(i + 1)),
            line,
          ),
        ),
      ),
    );
  });
}

function whyView(c) {
  if (!c?.runbookId) return el('p', { class: 'muted' }, 'No runbook reached the threshold.');
  const top = (c.explanations || []).find((e) => e.runbookId === c.runbookId);
  const ru = c.runnerUp;
  const list = el('ul', { class: 'why' });
  if (c.forced)
    list.append(el('li', {}, `${c.runbookId} was chosen by the operator (manual run).`));
  if (top)
    list.append(
      el(
        'li',
        {},
        el('b', {}, c.runbookId),
        ` ${Number(top.confidence).toFixed(2)}: signals `,
        top.signals.map((s) => `${s.id} (${s.weight}): ${s.description}`).join('; '),
      ),
    );
  else if (!c.forced)
    list.append(el('li', {}, el('b', {}, c.runbookId), ` ${Number(c.confidence).toFixed(2)}`));
  if (ru) {
    const reasons = [];
    if (ru.supersededBy) reasons.push(`superseded by ${ru.supersededBy}`);
    for (const r of ru.ruledOutBy || []) reasons.push(`ruled out by ${r.id}: ${r.description}`);
    if (ru.passed === false) reasons.push('below the 0.50 threshold');
    list.append(
      el(
        'li',
        { id: 'runner-up' },
        'Runner-up ',
        el('b', {}, ru.runbookId),
        ` ${Number(ru.confidence).toFixed(2)} (signals ${(ru.signals || []).map((s) => s.id).join(', ') || 'none'}): `,
        reasons.join('; ') || 'lower confidence',
      ),
    );
  } else if (!c.forced) list.append(el('li', { id: 'runner-up' }, 'No other runbook scored.'));
  return list;
}

function planView(plan) {
  if (!plan) return el('p', { class: 'muted' }, 'No plan.');
  return el(
    'div',
    {},
    el('p', {}, pill(plan.decision), ' ', plan.reason),
    (plan.held || []).length
      ? el('p', { class: 'muted' }, `Held by guards: ${plan.held.join('; ')}`)
      : '',
    plan.steps.length === 0
      ? el('p', { class: 'muted' }, 'No steps.')
      : el(
          'table',
          { id: 'plan' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['#', 'Action', 'Risk', 'Runs', 'Parameters', 'Targets'].map((h) =>
                el('th', {}, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            plan.steps.map((s) =>
              el(
                'tr',
                {},
                el('td', {}, s.index),
                el('td', {}, s.action),
                el('td', {}, s.risk),
                el('td', {}, s.document || s.call || '—'),
                el(
                  'td',
                  {},
                  Object.entries(s.parameters || {})
                    .map(([k, v]) => `${k}=${v}`)
                    .join(' ') || '—',
                ),
                el('td', {}, (s.targets || []).join(', ')),
              ),
            ),
          ),
        ),
    (plan.skipped || []).length
      ? el('p', { class: 'muted' }, `Left out for this platform: ${plan.skipped.join('; ')}`)
      : '',
  );
}

async function showExecution(id) {
  setNav('executions');
  const x = await api(`/api/executions/${encodeURIComponent(id)}`);
  const s = x.summary;
  const graph = el('div', { class: 'picture', id: 'graph' }, 'Loading the workflow…');
  const timeline = el('div', { class: 'picture', id: 'timeline' }, 'Loading the timeline…');
  const approvals =
    x.approvals.length === 0
      ? el('p', { class: 'muted' }, 'No approval was needed.')
      : el(
          'table',
          { id: 'approvals' },
          el(
            'tbody',
            {},
            x.approvals.map((a) =>
              el(
                'tr',
                {},
                el('td', {}, pill(a.status)),
                el('td', {}, a.by ? `by ${a.by}` : '—'),
                el('td', {}, time(a.at)),
                el('td', { class: 'muted' }, a.comment || ''),
              ),
            ),
          ),
        );
  const steps =
    x.steps.length === 0
      ? el(
          'p',
          { class: 'muted' },
          s.decision === 'dry-run' ? 'Dry run: nothing ran.' : 'Nothing ran.',
        )
      : el(
          'table',
          { id: 'outputs' },
          el(
            'tbody',
            {},
            x.steps.map((st) =>
              el(
                'tr',
                {},
                el('td', {}, `${st.index}. ${st.action}`),
                el('td', {}, st.target || ''),
                el(
                  'td',
                  {},
                  pill(/^(succeeded|Success)$/.test(st.status) ? 'remediated' : 'failed'),
                ),
                el('td', {}, el('pre', { class: 'section' }, el('span', {}, st.detail || ''))),
              ),
            ),
          ),
        );
  view.replaceChildren(
    el(
      'h1',
      {},
      'Execution ',
      el('span', { id: 'execution-id' }, s.executionId),
      ' ',
      pill(s.outcome),
    ),
    el(
      'div',
      { class: 'card' },
      el(
        'dl',
        { class: 'kv' },
        el('dt', {}, 'Trigger'),
        el('dd', {}, `${s.summary || ''} (${s.trigger})`),
        el('dt', {}, 'Target'),
        el('dd', {}, s.target || '—'),
        el('dt', {}, 'Runbook'),
        el(
          'dd',
          { id: 'runbook' },
          s.runbookId || 'unclassified',
          s.confidence !== null && s.confidence !== undefined
            ? ` · confidence ${Number(s.confidence).toFixed(2)}`
            : '',
        ),
        el('dt', {}, 'Started'),
        el(
          'dd',
          {},
          `${time(s.startedAt)}${s.durationMs !== undefined ? ` · took ${s.durationMs} ms` : ''}`,
        ),
        el('dt', {}, 'Workflow'),
        el(
          'dd',
          {},
          x.record
            ? `${x.record.workflowSource === 'cdk' ? 'the definition CDK deploys' : 'local workflow'} · ${x.record.status}`
            : 'no local record',
        ),
      ),
    ),
    el(
      'div',
      { class: 'grid2' },
      el('div', {}, el('h2', {}, 'Workflow, path taken'), graph),
      el(
        'div',
        {},
        el('h2', {}, 'Why this runbook'),
        el('div', { class: 'card', id: 'why' }, whyView(x.classification)),
        el('h2', {}, 'Plan'),
        el('div', { class: 'card' }, planView(x.plan)),
        el('h2', {}, 'Approvals'),
        el('div', { class: 'card' }, approvals),
        el('h2', {}, 'Outputs'),
        el('div', { class: 'card' }, steps),
        x.verification
          ? el(
              'p',
              {},
              'Verification: ',
              x.verification.cleared
                ? el('b', { class: 'ok' }, 'cleared')
                : el('b', { class: 'error' }, 'still failing'),
              x.verification.reason ? ` — ${x.verification.reason}` : '',
            )
          : '',
        x.failure ? el('p', { class: 'error' }, `Failure: ${x.failure}`) : '',
        x.escalation ? el('p', { class: 'error' }, `Escalated: ${x.escalation.reason}`) : '',
      ),
    ),
    el('h2', {}, 'Timeline'),
    timeline,
    el(
      'ol',
      { class: 'timeline', id: 'entries' },
      x.entries.map((e) =>
        el(
          'li',
          {},
          el('span', { class: 'muted' }, e.at.slice(11, 23)),
          el('b', {}, `${e.seq} ${e.type}`),
          el('span', {}, e.actor, e.outcome ? ` · ${e.outcome}` : ''),
        ),
      ),
    ),
    el('h2', {}, 'Evidence'),
    x.evidence
      ? el(
          'div',
          { class: 'card', id: 'evidence' },
          el(
            'p',
            { class: 'muted' },
            `${x.evidence.ref.uri} · sha256 ${x.evidence.ref.sha256.slice(0, 16)}…`,
          ),
          evidenceView(x.evidence),
        )
      : el(
          'p',
          { class: x.evidenceError ? 'error' : 'muted' },
          x.evidenceError || 'No evidence was collected.',
        ),
  );
  svgInto(graph, `/api/executions/${encodeURIComponent(id)}/graph.svg`).catch((e) => {
    graph.textContent = e.message;
  });
  svgInto(timeline, `/api/executions/${encodeURIComponent(id)}/timeline.svg`).catch((e) => {
    timeline.textContent = e.message;
  });
}

// ---- approvals ----
async function showApprovals(flash) {
  setNav('approvals');
  const { approvals } = await api('/api/approvals');
  const who = el('input', {
    id: 'approver',
    placeholder: 'your name',
    value: localStorage.getItem('paramedic-approver') || '',
  });
  const message = el('p', { id: 'approval-message', class: flash ? 'ok' : 'muted' }, flash || '');
  const decide = async (id, decision) => {
    if (!who.value) {
      message.textContent = 'Enter your name first: it is recorded with the decision.';
      message.className = 'error';
      return;
    }
    localStorage.setItem('paramedic-approver', who.value);
    try {
      const r = await post(`/api/approvals/${encodeURIComponent(id)}`, { decision, by: who.value });
      await showApprovals(
        `${id} ${r.approval.status} by ${r.approval.decidedBy} at ${time(r.approval.decidedAt)}`,
      );
      refreshHeader();
    } catch (e) {
      message.textContent = e.message;
      message.className = 'error';
    }
  };
  view.replaceChildren(
    el('h1', {}, 'Approvals'),
    el('p', {}, 'Approver: ', who),
    message,
    approvals.length === 0
      ? el('p', { class: 'muted' }, 'No approval requests.')
      : el(
          'table',
          { id: 'approval-list' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['Requested', 'Execution', 'What would run', 'Status', 'Decided', ''].map((h) =>
                el('th', {}, h),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            approvals.map((a) =>
              el(
                'tr',
                { 'data-approval': a.id },
                el('td', {}, time(a.requestedAt)),
                el(
                  'td',
                  {},
                  el(
                    'a',
                    { href: `#/executions/${encodeURIComponent(a.executionId)}` },
                    a.executionId,
                  ),
                ),
                el('td', {}, a.summary),
                el('td', {}, pill(a.status)),
                el('td', {}, a.decidedBy ? `${a.decidedBy} · ${time(a.decidedAt)}` : '—'),
                el(
                  'td',
                  {},
                  a.status === 'pending'
                    ? [
                        el(
                          'button',
                          { class: 'approve', onclick: () => decide(a.id, 'approve') },
                          'Approve',
                        ),
                        ' ',
                        el(
                          'button',
                          { class: 'danger reject', onclick: () => decide(a.id, 'reject') },
                          'Reject',
                        ),
                      ]
                    : '',
                ),
              ),
            ),
          ),
        ),
  );
}

// ---- outcomes per runbook ----
const percent = (rate) => (rate === null ? '—' : `${Math.round(rate * 100)}%`);
const duration = (ms) =>
  ms < 1000
    ? `${ms} ms`
    : ms < 60000
      ? `${(ms / 1000).toFixed(1)} s`
      : ms < 3600000
        ? `${(ms / 60000).toFixed(1)} min`
        : `${(ms / 3600000).toFixed(1)} h`;
async function showOutcomes(params) {
  setNav('outcomes');
  const since = params.get('since') || '';
  const q = since ? `?since=${encodeURIComponent(since)}` : '';
  const form = el(
    'form',
    {
      class: 'filters',
      id: 'outcome-filters',
      onsubmit: (e) => {
        e.preventDefault();
        const v = new FormData(form).get('since');
        location.hash = v ? `#/outcomes?since=${encodeURIComponent(v)}` : '#/outcomes';
      },
    },
    el('input', { name: 'since', placeholder: 'since (30d, ISO time)', value: since }),
    el('button', { type: 'submit' }, 'Show'),
  );
  const stats = await api(`/api/outcomes${q}`);
  const chart = el('div', { class: 'picture', id: 'outcomes-chart' });
  view.replaceChildren(
    el('h1', {}, 'Outcomes per runbook'),
    form,
    el(
      'p',
      { class: 'muted' },
      'From the audit trail. Rates are over finished runs; time runs from the alarm (or the start of a manual run) to the verification that cleared it.',
    ),
    stats.runbooks.length === 0
      ? el('p', { class: 'muted', id: 'empty' }, 'No executions in this period.')
      : chart,
    // An undo cut short is not a rollback done: its hosts need checking, so it is named apart.
    stats.total.rollbackUnknown > 0
      ? el(
          'p',
          { class: 'error', id: 'rollback-unknown' },
          `Rollback outcome unknown: ${stats.total.rollbackUnknown} — check each host (not counted as rolled back): ${stats.total.rollbackUnknownExecutions.join(', ')}`,
        )
      : '',
    el(
      'table',
      { id: 'outcomes' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...[
            'Runbook',
            'Runs',
            'Finished',
            'Verified',
            'Median / p90 to verified',
            'Auto-fix',
            'Escalated',
            'Rolled back',
          ].map((h) => el('th', {}, h)),
        ),
      ),
      el(
        'tbody',
        {},
        [...stats.runbooks, stats.total].map((r) =>
          el(
            'tr',
            { 'data-runbook': r.runbookId },
            el('td', {}, r.runbookId),
            el('td', {}, r.runs),
            el('td', {}, r.finished),
            el('td', {}, r.verified),
            el(
              'td',
              {},
              r.timeToVerified
                ? `${duration(r.timeToVerified.medianMs)} / ${duration(r.timeToVerified.p90Ms)}`
                : '—',
            ),
            el('td', {}, percent(r.autoFixRate)),
            el('td', {}, percent(r.escalationRate)),
            el('td', {}, percent(r.rollbackRate)),
          ),
        ),
      ),
    ),
  );
  if (stats.runbooks.length) await svgInto(chart, `/api/outcomes.svg${q}`);
}

// ---- runbooks ----
async function showRunbooks() {
  setNav('runbooks');
  const { runbooks } = await api('/api/runbooks');
  const graph = el('div', { class: 'picture', id: 'workflow' });
  view.replaceChildren(
    el('h1', {}, `Runbooks (${runbooks.length})`),
    el(
      'table',
      { id: 'runbook-list' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['Runbook', 'Platform', 'Safety', 'Remediation', 'Signals'].map((h) =>
            el('th', {}, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        runbooks.map((r) =>
          el(
            'tr',
            {},
            el('td', {}, el('b', {}, r.id), el('div', { class: 'muted' }, r.title)),
            el('td', {}, r.platform),
            el('td', {}, pill(r.safety)),
            el('td', {}, r.steps.join(', '), el('div', { class: 'muted' }, r.remediation)),
            el('td', {}, r.signals.map((s) => s.id).join(', ')),
          ),
        ),
      ),
    ),
    el('h2', {}, 'The workflow every runbook goes through'),
    graph,
  );
  svgInto(graph, '/api/workflow.svg').catch((e) => {
    graph.textContent = e.message;
  });
}

// ---- manual run ----
async function showRun() {
  setNav('run');
  const { runbooks } = await api('/api/runbooks');
  const result = el('div', { id: 'run-result' });
  const form = el(
    'form',
    {
      class: 'run',
      id: 'run-form',
      onsubmit: async (e) => {
        e.preventDefault();
        const data = Object.fromEntries(new FormData(form));
        result.replaceChildren(el('p', { class: 'muted' }, 'Running…'));
        try {
          const r = await post('/api/runs', {
            runbookId: data.runbookId,
            target: data.target,
            mode: data.execute ? 'execute' : 'dry-run',
            ...(data.by ? { by: data.by } : {}),
          });
          location.hash = `#/executions/${encodeURIComponent(r.executionId)}`;
        } catch (err) {
          result.replaceChildren(el('p', { class: 'error' }, err.message));
        }
      },
    },
    el('label', { for: 'runbookId' }, 'Runbook'),
    el(
      'select',
      { name: 'runbookId', id: 'runbookId' },
      runbooks.map((r) => el('option', { value: r.id }, `${r.id} (${r.safety})`)),
    ),
    el('label', { for: 'target' }, 'Target'),
    el('input', {
      name: 'target',
      id: 'target',
      value: 'local',
      placeholder: 'local, i-0123…, node name, eks:cluster/node',
    }),
    el('label', { for: 'by' }, 'Invoked by'),
    el('input', { name: 'by', id: 'by', placeholder: 'your name' }),
    el('label', { for: 'execute' }, 'Execute'),
    el(
      'span',
      {},
      el('input', { type: 'checkbox', name: 'execute', id: 'execute', disabled: !CAN_EXECUTE }),
      CAN_EXECUTE
        ? ' really run it (otherwise a dry run)'
        : ' disabled: this console only starts dry runs (--allow-execute)',
    ),
    el('span'),
    el('button', { type: 'submit', id: 'start-run' }, 'Start (dry run by default)'),
  );
  view.replaceChildren(
    el('h1', {}, 'Manual run'),
    el(
      'p',
      { class: 'muted' },
      "Runs the runbook's remediation through the same workflow. A dry run shows which documents and commands would run on which targets, and changes nothing.",
    ),
    form,
    result,
  );
}

async function route() {
  const [path, query] = (location.hash.slice(1) || '/executions').split('?');
  const params = new URLSearchParams(query || '');
  try {
    const m = /^\/executions\/(.+)$/.exec(path);
    if (m) await showExecution(decodeURIComponent(m[1]));
    else if (path === '/approvals') await showApprovals();
    else if (path === '/runbooks') await showRunbooks();
    else if (path === '/outcomes') await showOutcomes(params);
    else if (path === '/run') await showRun();
    else await showExecutions(params);
    document.body.dataset.ready = path;
  } catch (e) {
    view.replaceChildren(el('p', { class: 'error', id: 'error' }, e.message));
    document.body.dataset.ready = 'error';
  }
  refreshHeader();
}
window.addEventListener('hashchange', route);
route();
