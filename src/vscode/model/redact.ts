/**
 * What the log writes instead of a secret: whole JWTs become `eyJhbGci…<last 6>`, PEM private keys
 * and private JWK members are cut out, and each known secret is blanked. No VS Code here: tested
 * on plain Node.
 */
import { redactToken } from '../../core';

/** `text` with every token, private key and listed secret removed. `secrets` longest first. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let result = text
    .replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key]')
    .replace(/"(d|p|q|dp|dq|qi|k)"\s*:\s*"[\w-]+"/g, '"$1":"[redacted]"')
    .replace(/eyJ[\w-]{2,}\.[\w-]+\.[\w-]*/g, (token) => redactToken(token));
  for (const secret of secrets) result = result.split(secret).join('[secret]');
  return result;
}
