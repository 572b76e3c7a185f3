/** Reading JWT time claims (NumericDate: seconds since the epoch) for people. */

/** True for a JSON number usable as a NumericDate (RFC 7519 §2). */
export function isNumericDate(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** A NumericDate as an ISO 8601 UTC time, e.g. `2026-01-02T10:05:00Z`. */
export function isoTime(seconds: number): string {
  const date = new Date(Math.round(seconds * 1000));
  if (Number.isNaN(date.getTime())) return `${seconds} (out of range)`;
  return date.toISOString().replace('.000Z', 'Z');
}

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

/** A duration in seconds in words: "300 s (5 min)". */
export function durationText(seconds: number): string {
  if (Math.abs(seconds) < 60) return `${seconds} s`;
  const minutes = seconds / 60;
  const text = Number.isInteger(minutes) ? `${minutes} min` : `${minutes.toFixed(1)} min`;
  return `${seconds} s (${text})`;
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
