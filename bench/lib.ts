/**
 * What every benchmark shares: timing by medians, rates, the results table and bench/RESULTS.md.
 * Benchmarks print figures next to a named baseline measured in the same run; they never fail.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** The project's root. */
export const ROOT = join(import.meta.dirname, '..');

let productionBuilt = false;

/** Builds what users run (`node esbuild.mjs --production`: minified bundles into dist/), once per run. */
export function buildProduction(): void {
  if (productionBuilt) return;
  const built = spawnSync(process.execPath, [join(ROOT, 'esbuild.mjs'), '--production'], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`the production build failed: ${built.stderr}`);
  productionBuilt = true;
}

/**
 * The core as it ships (dist/core.js of the production build), so a figure is the code the
 * extension and the CLI run, not a per-module transpilation of the sources.
 */
export function shippedCore(): typeof import('../src/core') {
  buildProduction();
  return createRequire(import.meta.url)(join(ROOT, 'dist', 'core.js')) as typeof import('../src/core');
}

/** `--quick`: a few samples of each benchmark, so the normal test run keeps them working. */
export const QUICK = process.argv.includes('--quick') || process.env.AGBAC_BENCH_QUICK === '1';

/** One line of the results table: a figure, its baseline (measured in the same run) and the goal. */
export interface Row {
  readonly measure: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  /** How the ratio reads: `time` (lower is better: value / baseline) or `rate` (higher is better: value / baseline). */
  readonly kind: 'time' | 'rate';
  readonly goal?: string;
  /** True when the goal is met; undefined when there is no goal to judge. */
  readonly met?: boolean;
  readonly note?: string;
}

/**
 * The median of `fn`'s time in milliseconds, over about `budgetMs` of runs (at least `minRuns`).
 * Each sample times `batch` calls, so that operations of microseconds are not lost in the timer.
 */
export function medianMs(fn: () => unknown, budgetMs = QUICK ? 60 : 1500, minRuns = QUICK ? 3 : 20, batch = 1): number {
  for (let i = 0; i < (QUICK ? 1 : 5) * batch; i++) fn();
  const samples: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline || samples.length < minRuns) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) fn();
    samples.push((performance.now() - start) / batch);
  }
  return median(samples);
}

/** The median time of an async `fn`, run one at a time (`batch` calls per sample). */
export async function medianMsAsync(fn: () => Promise<unknown>, budgetMs = QUICK ? 60 : 1500, minRuns = QUICK ? 3 : 20, batch = 1): Promise<number> {
  for (let i = 0; i < (QUICK ? 1 : 5) * batch; i++) await fn();
  const samples: number[] = [];
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline || samples.length < minRuns) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) await fn();
    samples.push((performance.now() - start) / batch);
  }
  return median(samples);
}

/** Operations per second of an async `fn` with `inFlight` calls kept running for `durationMs`. */
export async function ratePerSecond(fn: () => Promise<unknown>, inFlight: number, durationMs = QUICK ? 100 : 2000): Promise<number> {
  // Warm up with a short burst.
  await Promise.all(Array.from({ length: inFlight }, () => fn()));
  let done = 0;
  const start = performance.now();
  const deadline = start + durationMs;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await fn();
        done++;
      }
    }),
  );
  return (done / (performance.now() - start)) * 1000;
}

/**
 * Two async functions timed in alternation (a batch of one, then a batch of the other, for about
 * `budgetMs`), one call at a time: the machine's drift during the run falls on both alike. The
 * medians, in milliseconds, of `a` and of `b`.
 */
export async function pairedMedianMsAsync(a: () => Promise<unknown>, b: () => Promise<unknown>, budgetMs = QUICK ? 120 : 3000, batch = 20): Promise<[number, number]> {
  // Warm-up: until both have run often enough for the JIT to settle (at least a third of the budget).
  const warm = performance.now() + budgetMs / 3;
  for (let i = 0; i < (QUICK ? 1 : 5) * batch || performance.now() < warm; i++) {
    await a();
    await b();
  }
  const samples: [number[], number[]] = [[], []];
  const deadline = performance.now() + budgetMs;
  while (performance.now() < deadline || samples[0].length < (QUICK ? 3 : 20)) {
    for (const [index, fn] of [a, b].entries()) {
      const start = performance.now();
      for (let i = 0; i < batch; i++) await fn();
      samples[index]?.push((performance.now() - start) / batch);
    }
  }
  return [median(samples[0]), median(samples[1])];
}

/** The rates of `a` and of `b` with `inFlight` calls each, in alternating windows of `windowMs` for about `durationMs` each. */
export async function pairedRates(a: () => Promise<unknown>, b: () => Promise<unknown>, inFlight: number, durationMs = QUICK ? 100 : 3000, windowMs = QUICK ? 50 : 300): Promise<[number, number]> {
  const totals = [0, 0];
  for (let spent = 0; spent < durationMs; spent += windowMs) {
    totals[0] = (totals[0] ?? 0) + (await ratePerSecond(a, inFlight, windowMs));
    totals[1] = (totals[1] ?? 0) + (await ratePerSecond(b, inFlight, windowMs));
  }
  const windows = Math.ceil(durationMs / windowMs);
  return [(totals[0] ?? 0) / windows, (totals[1] ?? 0) / windows];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The ratio the way a reader wants it: for times, how many times the baseline's time; for rates, how many times its rate. */
export function ratio(row: Row): number | undefined {
  if (!row.baseline || row.baseline.value === 0) return undefined;
  return row.value / row.baseline.value;
}

function figure(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

/** The results as a Markdown table. */
export function table(rows: readonly Row[]): string {
  const lines = ['| measure | figure | baseline (same run) | ratio | goal | met |', '|---|---|---|---|---|---|'];
  for (const row of rows) {
    const r = ratio(row);
    lines.push(
      `| ${row.measure}${row.note ? ` (${row.note})` : ''} | ${figure(row.value, row.unit)} | ${
        row.baseline ? `${row.baseline.name}: ${figure(row.baseline.value, row.unit)}` : '—'
      } | ${r === undefined ? '—' : `${r.toFixed(2)}×`} | ${row.goal ?? '—'} | ${row.met === undefined ? '—' : row.met ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n');
}

/** A short description of the machine, for RESULTS.md. */
export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}
