/**
 * The sandbox's sign-in and consent page: plain HTML, no script, every value escaped. It says
 * plainly that it is a development page, who asks, which agent will act for the person (or which
 * agents may), and with which permissions. The element ids (`username`, `password`, `allow`,
 * `deny`, `agent`, `scopes`, `error`) are stable, for tests that drive it in a browser.
 */

export interface AgentView {
  readonly label: string;
  readonly clientId: string;
}

export interface SignInPageInput {
  /** The authorization server's name. */
  readonly server: string;
  /** The app the person signs in with. */
  readonly app: AgentView;
  /** The agent named by the request, or undefined. */
  readonly agent: AgentView | undefined;
  /** Without a named agent: the agents that may exchange the person's token. */
  readonly agentsAllowed: readonly AgentView[];
  readonly scopes: readonly { readonly name: string; readonly description: string | undefined }[];
  /** Where the form posts. */
  readonly action: string;
  readonly transaction: string;
  readonly loginHint: string | undefined;
  /** Shown above the form after a failed attempt. */
  readonly error?: string;
}

/** `&`, `<`, `>`, `"` and `'` as entities: safe in text and in double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

const STYLE = `
body{font:15px/1.45 system-ui,sans-serif;margin:0;background:#f4f5f7;color:#1d1d1f}
.banner{background:#8a1c1c;color:#fff;padding:.6em 1em;font-weight:600}
main{max-width:30em;margin:2em auto;background:#fff;padding:1.5em 2em;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3em;margin-top:0}h2{font-size:1em;margin:1.2em 0 .3em}
label{display:block;margin:.8em 0 .2em}input{width:100%;box-sizing:border-box;padding:.5em;font:inherit}
.actions{margin-top:1.2em;display:flex;gap:.6em}button{padding:.55em 1.2em;font:inherit;cursor:pointer}
#allow{background:#1a5fb4;color:#fff;border:0;border-radius:4px}#deny{background:#fff;border:1px solid #999;border-radius:4px}
#error{background:#fdecea;border-left:4px solid #b3261e;padding:.5em .8em}.fine{color:#555;font-size:.9em}
code{font-size:.9em}`;

function agentLine(agent: AgentView): string {
  return `<strong>${escapeHtml(agent.label)}</strong> (<code>${escapeHtml(agent.clientId)}</code>)`;
}

/** The sign-in and consent page. */
export function signInPage(input: SignInPageInput): string {
  const who = input.agent
    ? `<p id="agent">${agentLine(input.agent)} will act for you. Only this agent can exchange your sign-in for a token of its own.</p>`
    : input.agentsAllowed.length
      ? `<p id="agent">No agent is named: any of these may exchange your sign-in for a token of its own and act for you:</p><ul>${input.agentsAllowed.map((agent) => `<li>${agentLine(agent)}</li>`).join('')}</ul>`
      : '<p id="agent">No agent is named, and none may exchange tokens here: only the app itself will use your sign-in.</p>';
  const scopes = input.scopes
    .map((scope) => `<li><code>${escapeHtml(scope.name)}</code>${scope.description ? ` ${escapeHtml(scope.description)}` : ''}</li>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · AGBAC sandbox (development page)</title><style>${STYLE}</style></head>
<body>
<div class="banner" role="note">AGBAC sandbox: a development page on this machine, not Okta. Never type a real password here.</div>
<main>
<h1>Sign in to ${escapeHtml(input.server)}</h1>
<p><strong>${escapeHtml(input.app.label)}</strong> (<code>${escapeHtml(input.app.clientId)}</code>) asks you to sign in.</p>
<h2>Who will act for you</h2>
${who}
<h2>With these permissions</h2>
<ul id="scopes">${scopes}</ul>
${input.error ? `<p id="error" role="alert">${escapeHtml(input.error)}</p>` : ''}
<form method="post" action="${escapeHtml(input.action)}">
<input type="hidden" name="txn" value="${escapeHtml(input.transaction)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(input.loginHint ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">
<div class="actions">
<button id="allow" type="submit" name="decision" value="allow">Sign in and allow</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="fine">People of the sandbox's org sign in with the development password that <code>agbac sandbox</code> printed.</p>
</main>
</body></html>
`;
}

/** A page for a request that cannot go back to the app (unknown app, unregistered redirect URI, stale form). */
export function errorPage(summary: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error · AGBAC sandbox (development page)</title><style>${STYLE}</style></head>
<body>
<div class="banner" role="note">AGBAC sandbox: a development page on this machine, not Okta.</div>
<main><h1>Your request resulted in an error.</h1><p id="error" role="alert">${escapeHtml(summary)}</p></main>
</body></html>
`;
}
