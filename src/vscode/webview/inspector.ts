/**
 * The Token Inspector's page script (bundled to dist/webview/inspector.js, run inside the
 * webview). It renders the view model the extension sends, from text only: every string a token
 * holds goes through textContent or an attribute, never through HTML parsing, so a claim holding
 * markup or a `javascript:` URL shows as the text it is. Theme colours come from VS Code's
 * --vscode-* variables (light, dark, high contrast).
 */
import { relativeTime } from '../../core/time';
import {
  type ChecklistRow,
  type CheckStatus,
  type ClaimRow,
  type FromWebview,
  type InspectorAction,
  type InspectorModel,
  type InspectorState,
  readInspectorState,
  readToWebview,
  type SubjectCard,
} from '../model/inspector-protocol';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: InspectorState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const root = document.getElementById('inspector') ?? document.body;
let shown: { model: InspectorModel; live: boolean } | undefined;
let clock: ReturnType<typeof setInterval> | undefined;

type Child = Node | string | null | undefined | false;

/** An element with attributes and children; strings become text nodes, never markup. */
function h(tag: string, attributes: Record<string, string | undefined> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) element.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return element;
}

/** Text in which `code spans` become <code> elements (the claim catalogue writes Markdown code). */
function prose(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  text.split('`').forEach((part, index) => {
    if (!part) return;
    fragment.append(index % 2 === 1 ? h('code', {}, part) : document.createTextNode(part.replace(/\*\*/g, '')));
  });
  return fragment;
}

function button(label: string, action: InspectorAction, enabled: boolean, tokenId?: string, primary = false): HTMLElement {
  const element = h('button', { type: 'button', class: primary ? 'primary' : 'secondary', 'data-action': action, ...(enabled ? {} : { disabled: '' }) }, label);
  element.addEventListener('click', () => vscode.postMessage({ type: 'action', action, ...(tokenId ? { tokenId } : {}) }));
  return element;
}

const ICONS: Readonly<Record<CheckStatus, string>> = { pass: '✓', fail: '✗', warn: '!', note: 'i', unchecked: '–' };
const STATUS_WORDS: Readonly<Record<CheckStatus, string>> = { pass: 'passed', fail: 'failed', warn: 'warning', note: 'note', unchecked: 'not checked' };

function emptyState(): HTMLElement {
  return h('section', { class: 'empty', id: 'empty' },
    h('h2', {}, 'No token yet'),
    h('p', {}, 'Request a token for a human through a connection, or inspect any JWT. With no Okta org at hand, the local sandbox is one click away.'),
    h('div', { class: 'actions' },
      button('Request Token', 'requestToken', true, undefined, true),
      button('Inspect a JWT…', 'inspectToken', true),
      button('Start Local Sandbox', 'startSandbox', true)));
}

function summary(model: InspectorModel, live: boolean): HTMLElement {
  const decision = model.decision ?? 'NOT VERIFIED';
  const id = live ? model.tokenId : undefined;
  return h('header', { class: 'summary', id: 'summary' },
    h('div', { class: `decision decision-${(model.decision ?? 'none').toLowerCase()}`, 'data-decision': model.decision ?? 'none', role: 'status' }, decision),
    h('div', { class: 'headline' },
      h('h2', {}, model.title),
      h('p', { class: 'verdict' }, prose(model.verdict)),
      h('p', { class: 'meta' },
        model.connection ? `${model.connection} · ` : '',
        h('code', { title: 'The token, shortened: the inspector never keeps the whole token' }, model.redacted))),
    h('div', { class: 'actions' },
      button('Verify', 'verify', live && model.kind === 'access token', id, model.decision === undefined),
      button('Copy Token', 'copy', live, id),
      button('Open JSON', 'openJson', live, id),
      button('Export Audit Event', 'exportAudit', live && model.kind === 'access token', id),
      button('Copy Request as curl', 'copyCurl', live && model.connection !== undefined, id)),
    live ? null : h('p', { class: 'stale' }, 'This token is no longer in memory (the window was reloaded, or it was cleared): this is what the inspector showed. Request a new token to act on it.'));
}

function subjectCard(card: SubjectCard): HTMLElement {
  return h('div', { class: `subject subject-${card.role}`, 'data-role': card.role },
    h('h3', {}, card.role === 'agent' ? 'Agent' : 'Human'),
    h('p', { class: 'subject-id' }, card.id ? h('code', {}, card.id) : h('span', { class: 'missing' }, 'none'), h('span', { class: 'claim' }, ` (${card.claim})`)),
    h('dl', {}, ...card.facts.flatMap((fact) => [h('dt', {}, fact.label), h('dd', {}, fact.value)])));
}

/** Who delegated to whom: the human, then each agent, with the kind of delegation and its evidence. */
function delegation(model: InspectorModel): HTMLElement | null {
  const view = model.delegation;
  if (!view) return null;
  return h('section', { class: 'delegation', id: 'delegation', 'data-type': view.type, 'data-shape': view.shape },
    h('h3', {}, 'Delegation'),
    h('ol', { class: 'chain' }, ...view.chain.map((link) => h('li', { class: `link link-${link.role}`, 'data-role': link.role },
      h('span', { class: 'role' }, link.role === 'human' ? 'Human' : 'Agent'), ' ',
      h('code', {}, link.id), ' ',
      h('span', { class: 'note' }, `(${link.note})`)))),
    h('p', { class: 'delegation-type' }, `Type: ${view.type}, on ${view.evidence}.`),
    h('p', { class: 'meta' }, `Read as the ${view.shape} shape${view.grantedAt ? `; granted ${view.grantedAt}` : ''}.`));
}

function timeline(model: InspectorModel): HTMLElement {
  const section = h('section', { class: 'timeline', id: 'timeline' }, h('h3', {}, 'Time line'));
  const times = model.times;
  if (times.length === 0) {
    section.append(h('p', { class: 'missing' }, 'No iat, nbf or exp.'));
    return section;
  }
  const bar = h('div', { class: 'bar', role: 'img', 'aria-label': 'iat, nbf and exp against now' });
  const legend = h('ul', { class: 'legend' });
  section.append(bar, legend);
  const draw = () => {
    const now = Date.now() / 1000;
    const points = [...times.map((mark) => mark.at), now];
    const start = Math.min(...points);
    const span = Math.max(...points) - start || 1;
    const position = (at: number) => `${(((at - start) / span) * 100).toFixed(2)}%`;
    const exp = times.find((mark) => mark.claim === 'exp');
    const begin = times.find((mark) => mark.claim === 'nbf') ?? times.find((mark) => mark.claim === 'iat');
    bar.replaceChildren(
      ...(begin && exp ? [(() => {
        const valid = h('span', { class: 'valid' });
        valid.style.setProperty('left', position(begin.at));
        valid.style.setProperty('width', `${(((exp.at - begin.at) / span) * 100).toFixed(2)}%`);
        return valid;
      })()] : []),
      ...times.map((mark) => {
        const marker = h('span', { class: `mark mark-${mark.claim}`, title: `${mark.claim} ${mark.iso}` }, mark.claim);
        marker.style.setProperty('left', position(mark.at));
        return marker;
      }),
      (() => {
        const marker = h('span', { class: 'mark mark-now', title: 'now' }, 'now');
        marker.style.setProperty('left', position(now));
        return marker;
      })(),
    );
    legend.replaceChildren(...times.map((mark) => {
      const relative = relativeTime(mark.at, now);
      const words = mark.claim === 'exp' ? (mark.at > now ? `expires ${relative}` : `expired ${relative}`) : relative;
      return h('li', { 'data-claim': mark.claim }, h('code', {}, mark.claim), ` ${mark.iso} (${words})`);
    }));
  };
  draw();
  if (clock) clearInterval(clock);
  clock = setInterval(draw, 1000);
  return section;
}

function checkRow(row: ChecklistRow): HTMLElement {
  const code = h('button', { type: 'button', class: 'code link', title: `Explain ${row.code}` }, row.code);
  code.addEventListener('click', () => vscode.postMessage({ type: 'explain', code: row.code }));
  return h('li', { class: `check status-${row.status}`, 'data-code': row.code, 'data-status': row.status },
    h('span', { class: 'icon', 'aria-label': STATUS_WORDS[row.status] }, ICONS[row.status]),
    code,
    h('span', { class: 'name' }, row.name),
    h('span', { class: 'text' }, prose(row.text)));
}

function checklist(model: InspectorModel): HTMLElement {
  const rows = model.checklist.flatMap((group) => group.rows);
  const count = (status: CheckStatus) => rows.filter((row) => row.status === status).length;
  const parts = [`${count('pass')} passed`, `${count('fail')} failed`, count('warn') ? `${count('warn')} warnings` : '', count('note') ? `${count('note')} notes` : '', `${count('unchecked')} not checked`].filter(Boolean);
  return h('section', { class: 'checklist', id: 'checklist' },
    h('h3', {}, 'AGBAC checklist'),
    h('p', { class: 'counts' }, parts.join(', ')),
    ...model.checklist.map((group) => h('div', { class: 'group' }, h('h4', {}, group.title), h('ul', {}, ...group.rows.map(checkRow)))));
}

function roundTrip(model: InspectorModel): HTMLElement {
  const trip = model.roundTrip;
  const status: CheckStatus = trip.status === 'unknown' ? 'unchecked' : trip.status;
  return h('section', { class: `roundtrip status-${status}`, id: 'roundtrip', 'data-status': trip.status },
    h('h3', {}, 'The act round trip'),
    h('p', {}, h('span', { class: 'icon' }, ICONS[status]), ' ', prose(trip.text)),
    trip.assertionAct ? h('div', { class: 'pair' }, h('span', { class: 'label' }, 'assertion.act'), h('code', {}, trip.assertionAct)) : null,
    trip.tokenAct ? h('div', { class: 'pair' }, h('span', { class: 'label' }, 'token.act'), h('code', {}, trip.tokenAct)) : null);
}

function claimTable(title: string, rows: readonly ClaimRow[], id: string): HTMLElement {
  return h('section', { class: 'claims', id },
    h('h3', {}, title),
    h('table', {},
      h('tbody', {}, ...rows.map((row) => h('tr', { class: `depth-${row.depth}`, 'data-claim': row.name },
        h('th', { scope: 'row' }, h('code', {}, row.name)),
        h('td', { class: 'value' }, h('code', {}, row.value)),
        h('td', { class: 'doc' }, row.summary
          ? h('details', {}, h('summary', {}, prose(row.summary)), h('p', {}, prose(row.detail ?? '')))
          : h('span', { class: 'missing' }, 'not a claim the catalogue knows')))))));
}

function render(model: InspectorModel | null, live: boolean): void {
  if (clock) clearInterval(clock);
  clock = undefined;
  shown = model ? { model, live } : undefined;
  if (!model) {
    root.replaceChildren(emptyState());
    return;
  }
  const sections: (HTMLElement | null)[] = [
    summary(model, live),
    h('section', { class: 'subjects', id: 'subjects' }, ...model.subjects.map(subjectCard)),
    delegation(model),
    timeline(model),
    checklist(model),
    roundTrip(model),
    claimTable('Header', model.header, 'header-claims'),
    claimTable('Payload', model.payload, 'payload-claims'),
    model.audit ? h('section', { class: 'audit', id: 'audit' }, h('h3', {}, 'Audit event'), h('pre', {}, model.audit)) : null,
  ];
  root.replaceChildren(...sections.filter((section): section is HTMLElement => section !== null));
}

function remember(model: InspectorModel | null): void {
  const state: InspectorState = { model };
  vscode.setState(state);
  vscode.postMessage({ type: 'stateSaved', state });
}

let busyLine: HTMLElement | undefined;
function setBusy(text: string | null): void {
  busyLine?.remove();
  busyLine = undefined;
  if (text) {
    busyLine = h('div', { class: 'busy', role: 'status' }, text);
    document.body.prepend(busyLine);
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = readToWebview(event.data);
  if (!message) return;
  if (message.type === 'busy') {
    setBusy(message.text);
    return;
  }
  setBusy(null);
  render(message.model, message.live);
  remember(message.model);
});

// After a reload the page shows what it showed before (a view model, no token) until the
// extension says more; its actions stay off, as the token is gone.
const restored = readInspectorState(vscode.getState());
render(restored?.model ?? null, false);
if (shown) vscode.postMessage({ type: 'stateSaved', state: { model: shown.model } });
vscode.postMessage({ type: 'ready' });
