/** Looking through what a run wrote for what must never be written: secrets, whole JWTs, private keys. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const WHOLE_JWT = /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]{16,}/;
export const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----|"d"\s*:\s*"[\w-]{20,}"/;

/** Every file under `folder`, skipping what cannot be read. */
export function filesUnder(folder: string, found: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return found;
  }
  for (const name of names) {
    const path = join(folder, name);
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) filesUnder(path, found);
      else if (stat.isFile() && stat.size < 64 * 1024 * 1024) found.push(path);
    } catch {
      // Gone already (a lock file, a socket).
    }
  }
  return found;
}

/** What the files hold that must not be written anywhere: the given secrets, whole JWTs, private keys. */
export function leaksIn(files: readonly string[], secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const file of files) {
    const text = readFileSync(file).toString('latin1');
    for (const secret of secrets) {
      const at = text.indexOf(secret);
      // What surrounds it says who wrote it (the secret itself is not repeated).
      if (at >= 0) leaks.push(`${file}: a secret, near ${JSON.stringify(text.slice(Math.max(0, at - 160), at).replace(/[^\x20-\x7e]/g, '.'))}`);
    }
    if (WHOLE_JWT.test(text)) leaks.push(`${file}: a whole JWT (${WHOLE_JWT.exec(text)?.[0].slice(0, 24) ?? ''}…)`);
    if (PRIVATE_KEY.test(text)) leaks.push(`${file}: a private key`);
  }
  return leaks;
}
