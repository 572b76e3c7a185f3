/** `agbac decode`: show a JWT's header and payload, and its times in words. Verifies nothing. */
import { isNumericDate, isoTime, type JsonObject, parseJwt, relativeTime } from '../core';
import { type Command, CommandError, EXIT, formatOption, json, nowOption, parse, readToken, UsageError } from './common';

const TIME_CLAIMS = ['iat', 'nbf', 'exp'] as const;

export const decodeCommand: Command = {
  usage: `agbac decode <token|file|-> [--format text|json] [--now TIME]

Decodes a compact JWT given inline, in a file, or on standard input (-). Prints the header and
payload as JSON and the time claims in words. The signature is NOT checked: use verify for that.`,
  async run(args, io) {
    const { values, positionals } = parse(args, { format: { type: 'string' }, now: { type: 'string' } });
    const [source, ...extra] = positionals;
    if (!source || extra.length) throw new UsageError('give exactly one token, file or -');
    const format = formatOption(values.format, ['text', 'json'] as const);
    const now = nowOption(values.now, io);
    const parsed = parseJwt(await readToken(source, io));
    if (!parsed.ok) throw new CommandError(`not a readable JWT: ${parsed.error.message}`);
    const { header, payload, segments } = parsed.jwt;
    const times = describeTimes(payload, now);
    if (format === 'json') {
      io.out(json({ header, payload, times, signed: segments.signature.text.length > 0 }));
      return EXIT.ok;
    }
    io.out(`Header\n${json(header)}\n\nPayload\n${json(payload)}`);
    if (times.length) io.out(`\nTimes\n${times.map((time) => `  ${time.claim.padEnd(4)} ${time.iso}  (${time.relative})`).join('\n')}`);
    if (!segments.signature.text) io.out('\nThe token has no signature.');
    return EXIT.ok;
  },
};

function describeTimes(payload: JsonObject, now: number): { claim: string; value: number; iso: string; relative: string }[] {
  return TIME_CLAIMS.flatMap((claim) => {
    const value = payload[claim];
    return isNumericDate(value) ? [{ claim, value, iso: isoTime(value), relative: relativeTime(value, now) }] : [];
  });
}
