/** `agbac hook serve` as a child process: started, read until it prints its URL, stopped with SIGTERM. */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI, ROOT } from './run-cli';

export interface HookProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Standard output so far: the URL line, then one JSON audit event per line. */
  stdout(): string;
  stderr(): string;
  /** The audit events printed so far. */
  events(): Record<string, unknown>[];
  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null>;
}

export function startHook(args: string[], env: Record<string, string>): Promise<HookProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'hook', 'serve', ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
    let out = '';
    let err = '';
    const exited = new Promise<number | null>((done) => child.on('close', (status) => done(status)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agbac hook serve printed no URL within 15 s: ${err}`));
    }, 15_000);
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /^Hook URL: (\S+)$/m.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({
          url,
          child,
          stdout: () => out,
          stderr: () => err,
          events: () => out.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>),
          stop: async () => {
            child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    void exited.then((status) => {
      clearTimeout(timer);
      if (!/^Hook URL: /m.test(out)) reject(new Error(`agbac hook serve exited ${status}: ${err}`));
    });
  });
}
