/** The `agbac` command line: dispatch, help, and one-line errors with stable exit codes. */
import { version } from '../../package.json';
import { AgbacError, escapeControls, messageOf } from '../core';
import { type Command, EXIT, type Io, UsageError } from './common';
import { decodeCommand } from './decode';
import { demoCommand } from './demo';
import { doctorCommand, provisionCommand, whoisCommand } from './doctor';
import { explainCommand } from './explain';
import { lintCommand } from './lint';
import { sandboxCommand } from './sandbox';
import { signCommand } from './sign';
import { tokenCommand } from './token';
import { verifyCommand } from './verify';

const COMMANDS: readonly Command[] = [
  lintCommand,
  decodeCommand,
  signCommand,
  tokenCommand,
  verifyCommand,
  doctorCommand,
  provisionCommand,
  whoisCommand,
  sandboxCommand,
  demoCommand,
  explainCommand,
];

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
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`agbac: unknown command "${escapeControls(name)}"; agbac --help lists the commands`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.out(command.usage);
    return EXIT.ok;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`agbac ${command.name}: ${escapeControls(error.message)} (agbac ${command.name} --help)`);
      return EXIT.usage;
    }
    io.err(`agbac ${command.name}: ${escapeControls(error instanceof AgbacError ? error.message : `unexpected error: ${messageOf(error)}`)}`);
    if (io.env.AGBAC_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
    return EXIT.failed;
  }
}
