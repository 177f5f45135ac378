// The network an outside verifier sees in the interop tests: a fetch hook that forwards to live test servers.
//
// `--map https://badges.test=http://127.0.0.1:PORT` (repeatable) says which public origin a loopback server
// serves. A request to a mapped origin is forwarded the way a reverse proxy would pass it on: the #fragment
// dropped (it never leaves a client), the caller's own headers (Accept...) kept, `Host` and
// `X-Forwarded-Proto` set to the public origin. The server's status codes come back as they are; redirects are
// followed here, by hand, each `Location` mapped through the same rule. Anything outside the mapped origins, and
// every bundled file, is not fetched: the former is refused and reported in `network.refused`.
import {request as httpRequest} from 'node:http';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export const network = {fetched: [], refused: []};

// Splits argv into the positional arguments and the --map / --flag=value options.
export function parseArgs(argv) {
  const maps = new Map();
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--map') {
      const [from, to] = String(argv[++i] ?? '').split('=');
      if (!from || !to) throw new Error('--map wants PUBLIC_ORIGIN=LOOPBACK_ORIGIN, got ' + argv[i]);
      maps.set(new URL(from).origin, new URL(to));
    } else if (arg.startsWith('--')) {
      options[arg.slice(2)] = argv[++i];
    } else {
      positional.push(arg);
    }
  }
  return {maps, positional, options};
}

function forward(target, publicUrl, method, headers, body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: target.hostname, port: target.port, method,
      path: publicUrl.pathname + publicUrl.search,
      headers: {...headers, host: publicUrl.host, 'x-forwarded-proto': publicUrl.protocol.slice(0, -1),
        ...(body === undefined ? {} : {'content-length': Buffer.byteLength(body)})},
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks)}));
      res.on('error', reject);
    });
    req.setTimeout(20000, () => req.destroy(new Error('timeout ' + publicUrl.href)));
    req.on('error', reject);
    req.end(body);
  });
}

function plainHeaders(input, init) {
  const headers = {};
  new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    .forEach((value, name) => { if (name !== 'host') headers[name] = value; });
  return headers;
}

function toResponse(answer, url) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const v of [].concat(value)) headers.append(name, v);
  }
  const body = [204, 304].includes(answer.status) ? null : answer.body;
  const response = new Response(body, {status: answer.status, headers});
  Object.defineProperty(response, 'url', {value: url});
  return response;
}

// `local` maps a URL to bundled text (the OB 3.0 JSON Schema): what a real verifier ships with itself.
export function installFetchHook(maps, local = new Map()) {
  globalThis.fetch = async (input, init = {}) => {
    const raw = typeof input === 'string' ? input : (input?.url ?? String(input));
    const method = (init.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const headers = plainHeaders(input, init);
    let url = new URL(raw);
    url.hash = '';
    if (local.has(url.href)) {
      return new Response(local.get(url.href), {status: 200, headers: {'content-type': 'application/json'}});
    }
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      const target = maps.get(url.origin);
      if (target === undefined) {
        network.refused.push(url.href);
        throw new TypeError('refused: ' + url.href + ' is outside the mapped origins');
      }
      const answer = await forward(target, url, method, headers, init.body);
      network.fetched.push({url: url.href, status: answer.status, accept: headers.accept ?? null});
      if (!REDIRECTS.has(answer.status) || !answer.headers.location) return toResponse(answer, url.href);
      url = new URL(answer.headers.location, url);
      url.hash = '';
    }
    throw new TypeError('too many redirects from ' + raw);
  };
}
