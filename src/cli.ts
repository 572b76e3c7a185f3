/** Entry point of the bundled `agbac` executable. */
import { messageOf } from './core/errors';
import { escapeControls } from './core/text';
import { readStream } from './cli/common';
import { main } from './cli/main';

// A closed pipe (`agbac … | head`) ends the program quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
});

main(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  stdin: () => readStream(process.stdin),
  now: () => Math.floor(Date.now() / 1000),
  // Progress for people at a terminal (and for logs that ask for it with AGBAC_PROGRESS=1).
  ...((process.stderr.isTTY && process.env.AGBAC_PROGRESS !== '0') || process.env.AGBAC_PROGRESS === '1'
    ? { progress: (text: string) => process.stderr.write(`${text}\n`) }
    : {}),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`agbac: ${escapeControls(messageOf(error))}\n`);
    process.exitCode = 1;
  },
);
