/** The `agbac` command line: dispatch, help, and one-line errors with stable exit codes. */
import { version } from '../../package.json';
import { AgbacError, messageOf } from '../core/errors';
import { escapeControls } from '../core/text';
import { type Command, EXIT, type Io, UsageError } from './common';

/**
 * The commands, each loaded only when it runs, so that `agbac --help` and every command pay only
 * for the code they use (the CLI is bundled with code splitting).
 */
const COMMANDS: readonly CommandEntry[] = [
  { name: 'lint', summary: 'check assertion and token payload files against the AGBAC rules', load: async () => (await import('./lint')).lintCommand },
  { name: 'decode', summary: 'print a JWT\'s header and payload (no verification)', load: async () => (await import('./decode')).decodeCommand },
  { name: 'sign', summary: 'sign an assertion payload file into a compact JWT', load: async () => (await import('./sign')).signCommand },
  { name: 'token', summary: 'request an access token with a client assertion: the human in act, or --flow token-exchange of their token', load: async () => (await import('./token')).tokenCommand },
  { name: 'login', summary: 'sign a person in (browser with PKCE, or --password-env) and print their access token', load: async () => (await import('./login')).loginCommand },
  { name: 'verify', summary: 'verify an access token and decide ALLOW or DENY for the agent and the human', load: async () => (await import('./verify')).verifyCommand },
  { name: 'doctor', summary: 'check an Okta org against every step of the setup guide, then make a live token request', load: async () => (await import('./doctor')).doctorCommand },
  { name: 'provision', summary: 'make an Okta org match the setup guide (plan first with --dry-run; idempotent)', load: async () => (await import('./doctor')).provisionCommand },
  { name: 'whois', summary: 'look up the Okta user id (00u…) of a login or email, for act.sub', load: async () => (await import('./doctor')).whoisCommand },
  { name: 'sandbox', summary: 'run a local Okta-compatible authorization server and Management API (the guide\'s org)', load: async () => (await import('./sandbox')).sandboxCommand },
  { name: 'hook', summary: 'serve the token inline hook that adds act to a real Okta org\'s tokens (agbac hook serve)', load: async () => (await import('./hook')).hookCommand },
  { name: 'demo', summary: 'the whole flow against an embedded sandbox: assertion → token → verify → ALLOW, then a DENY', load: async () => (await import('./demo')).demoCommand },
  { name: 'explain', summary: 'explain a rule (AGBAC010 or aud-is-issuer), or --list them all', load: async () => (await import('./explain')).explainCommand },
];

interface CommandEntry {
  readonly name: string;
  /** One line for `agbac --help`. */
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `agbac ${version}: AGBAC dual-subject tokens (agent + human) with Okta

Usage: agbac <command> [options]   (agbac <command> --help for its options)

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}`;
}

/**
 * Runs one command line and returns the exit status; prints errors as one line, never a stack.
 * Everything printed passes one filter: control characters from tokens, files and servers are
 * escaped (line breaks stay in output, never in an error line), so nothing read can move the
 * cursor, rewrite a line or reorder text on a terminal.
 */
export async function main(argv: readonly string[], raw: Io): Promise<number> {
  const io: Io = {
    ...raw,
    out: (text) => raw.out(escapeControls(text, { keepNewlines: true })),
    err: (text) => raw.err(escapeControls(text, { keepNewlines: true })),
    ...(raw.progress ? { progress: (text: string) => raw.progress?.(escapeControls(text)) } : {}),
  };
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(version);
    return EXIT.ok;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (!entry) {
    io.err(`agbac: unknown command "${escapeControls(name)}"; agbac --help lists the commands`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`agbac ${entry.name}: ${escapeControls(error.message)} (agbac ${entry.name} --help)`);
      return EXIT.usage;
    }
    io.err(`agbac ${entry.name}: ${escapeControls(error instanceof AgbacError ? error.message : `unexpected error: ${messageOf(error)}`)}`);
    if (io.env.AGBAC_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return EXIT.failed;
  }
}
