/**
 * The editor: the time from an edit of a 2,000-payload document to the diagnostics VS Code shows,
 * measured by the VS Code suite's speed test inside the real VS Code (code-server) that the tests
 * use. Full mode only: it starts the harness (tens of seconds).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { QUICK, type Row } from './lib';

const ROOT = join(import.meta.dirname, '..');
const RESULT = join(ROOT, 'out', 'bench', 'diagnostics-on-edit.json');

export async function editorBench(): Promise<Row[]> {
  if (QUICK) return [];
  rmSync(RESULT, { force: true });
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'vscode', 'run.ts')], {
    cwd: ROOT,
    env: { ...process.env, AGBAC_VSCODE_GREP: '2,000-payload' },
    encoding: 'utf8',
    timeout: 10 * 60_000,
  });
  if (!existsSync(RESULT)) throw new Error(`the VS Code speed test wrote no figure (exit ${run.status}): ${(run.stdout + run.stderr).slice(-600)}`);
  const { medianMs, bytes, debounceMs } = JSON.parse(readFileSync(RESULT, 'utf8')) as { medianMs: number; bytes: number; debounceMs: number };
  return [
    {
      measure: `diagnostics on edit in VS Code, 2,000 payloads (${(bytes / 1048576).toFixed(1)} MiB), p50`,
      value: medianMs,
      unit: 'ms',
      baseline: { name: 'the debounce alone', value: debounceMs },
      kind: 'time',
      note: 'edit → published diagnostics',
    },
  ];
}
