/** Reading JWT time claims (NumericDate: seconds since the epoch) for people. */

/** True for a JSON number usable as a NumericDate (RFC 7519 §2). */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A NumericDate as an ISO 8601 UTC time, e.g. `2026-01-02T10:05:00Z`. */
export function isoTime(seconds: number): string {
  // Audit events stamp many decisions with the same second: the last answer is kept.
  if (seconds === lastIso.seconds) return lastIso.text;
  const date = new Date(Math.round(seconds * 1000));
  const text = Number.isNaN(date.getTime()) ? `${seconds} (out of range)` : date.toISOString().replace('.000Z', 'Z');
  lastIso = { seconds, text };
  return text;
}

let lastIso = { seconds: Number.NaN, text: '' };

/**
 * How far `seconds` is from `now`, in words: "in 4 min", "3 h ago", "now".
 * Rounds to the largest unit that keeps the figure readable.
 */
export function relativeTime(seconds: number, now: number): string {
  const delta = Math.round(seconds - now);
  const magnitude = Math.abs(delta);
  if (magnitude < 1) return 'now';
  const units: [number, string][] = [
    [86400 * 365, 'y'],
    [86400, 'd'],
    [3600, 'h'],
    [60, 'min'],
    [1, 's'],
  ];
  const [size, unit] = units.find(([size]) => magnitude >= size) ?? [1, 's'];
  const count = Math.floor(magnitude / size);
  return delta > 0 ? `in ${count} ${unit}` : `${count} ${unit} ago`;
}

/** A duration in seconds in words: "45 s", "300 s (5 min)", "7200 s (2 h)", "about 3 years". */
export function durationText(seconds: number): string {
  const magnitude = Math.abs(seconds);
  const round = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  if (magnitude < 60) return `${seconds} s`;
  if (magnitude < 3600) return `${seconds} s (${round(seconds / 60)} min)`;
  if (magnitude < 86400 * 2) return `${seconds} s (${round(seconds / 3600)} h)`;
  if (magnitude < 86400 * 365 * 2) return `about ${Math.round(seconds / 86400)} days`;
  return `about ${Math.round(seconds / (86400 * 365)).toLocaleString('en')} years`;
}

/** Parses an ISO 8601 date-time with a time zone; undefined when it is not one. */
export function parseIsoTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isNaN(millis) ? undefined : millis / 1000;
}

/** Seconds since the epoch for a Date (the boundary where callers hand the core their clock). */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
