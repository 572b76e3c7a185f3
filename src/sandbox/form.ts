/**
 * Reading a token request's `application/x-www-form-urlencoded` body strictly: UTF-8, correct
 * percent-encoding, each parameter at most once (RFC 6749 §3.2). Problems are `invalid_request`
 * answers that never echo a value (a value may be a secret).
 */
import { invalidRequest } from './errors';

const decoder = new TextDecoder('utf-8', { fatal: true });

function decodeComponent(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** The form's parameters by name. */
export function parseForm(body: Uint8Array): Map<string, string> {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw invalidRequest('The request body is not valid UTF-8.');
  }
  const form = new Map<string, string>();
  const pairs = text.split('&');
  for (let index = 0; index < pairs.length; index += 1) {
    const pair = pairs[index] ?? '';
    if (!pair) continue;
    const equals = pair.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeComponent(equals < 0 ? pair : pair.slice(0, equals));
      value = decodeComponent(equals < 0 ? '' : pair.slice(equals + 1));
    } catch {
      throw invalidRequest(`The request body is not a valid form: parameter ${index + 1} has a bad percent-encoding.`);
    }
    if (form.has(name)) throw invalidRequest(`The '${safeName(name)}' parameter must not be repeated.`);
    form.set(name, value);
  }
  return form;
}

function safeName(name: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(name) ? name : '(unnamed)';
}
