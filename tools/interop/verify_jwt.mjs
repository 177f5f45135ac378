// Verify an OB 3.0 VC-JWT (standards README A3.7 / C4) with jose, over HTTP.
//
// usage: node verify_jwt.mjs <credential.jwt> --map https://badges.test=http://127.0.0.1:PORT [--map ...]
// Applies the OB 3.0 header rules (alg RS256/ES256 only, no JOSE header beyond alg/kid/jwk/typ, typ "JWT"),
// the signature check, then the claim rules (iss/jti/sub/nbf/exp equal the credential fields).
// The key is the embedded `jwk`, or else what a GET of the `kid` URL returns (a JWK or a JWKS holding that kid),
// as 1EdTech's validator resolves it; the GET goes through network.mjs to the live test servers.
// prints one JSON line: {valid, problems, error, header, fetched, refusedFetches}; exit 0 = valid.
import {readFileSync} from 'node:fs';
import {installFetchHook, network, parseArgs} from './network.mjs';

const {maps, positional: [tokFile]} = parseArgs(process.argv.slice(2));
installFetchHook(maps);
// What jose's own remote JWKS fetcher sends.
const KEY_ACCEPT = 'application/json, application/jwk-set+json';

const ALLOWED_HEADERS = ['alg', 'kid', 'jwk', 'typ'];
const ALLOWED_ALGS = ['RS256', 'ES256']; // 1EdTech's validator accepts only these (ExternalProofProbe.java)

const report = (out) => {
  const valid = !out.error && out.problems.length === 0;
  console.log(JSON.stringify({valid, ...out, fetched: network.fetched, refusedFetches: network.refused}));
  process.exit(valid ? 0 : 1);
};

if (!tokFile) {
  console.log(JSON.stringify({valid: false, problems: [], error: 'usage: verify_jwt.mjs <token file> --map A=B'}));
  process.exit(2);
}

const jose = await import('jose');
const token = readFileSync(tokFile, 'utf8').trim();
const problems = [];
let header;
try {
  header = jose.decodeProtectedHeader(token);
} catch (e) {
  report({problems, error: 'undecodable JOSE header: ' + (e.code ?? e.message)});
}
for (const k of Object.keys(header)) if (!ALLOWED_HEADERS.includes(k)) problems.push('extra JOSE header ' + k);
if (header.typ !== undefined && header.typ !== 'JWT') problems.push('typ must be "JWT", got ' + header.typ);
if (!ALLOWED_ALGS.includes(header.alg)) problems.push('alg ' + header.alg + ' is not accepted (RS256/ES256 only)');
if (header.jwk?.d) problems.push('embedded jwk contains a private key');
if (header.kid === undefined && header.jwk === undefined) problems.push('neither kid nor jwk in the header');

async function keyFromKid(kid) {
  if (typeof kid !== 'string') throw Object.assign(new Error('no jwk and no kid in the header'), {code: 'NO_KEY'});
  const response = await fetch(kid, {headers: {accept: KEY_ACCEPT}});
  if (!response.ok) throw Object.assign(new Error(`kid ${kid} answered HTTP ${response.status}`), {code: 'KID_FETCH'});
  const doc = await response.json();
  return Array.isArray(doc.keys) ? jose.createLocalJWKSet(doc) : jose.importJWK(doc, header.alg);
}

let payload;
try {
  const key = header.jwk ? await jose.importJWK(header.jwk, header.alg) : await keyFromKid(header.kid);
  ({payload} = await jose.jwtVerify(token, key, {algorithms: ALLOWED_ALGS}));
} catch (e) {
  report({problems, error: e.code ?? e.message, header});
}

const secs = (s) => Math.floor(Date.parse(s) / 1000);
const issuerId = typeof payload.issuer === 'string' ? payload.issuer : payload.issuer?.id;
if (payload.iss === undefined || payload.iss !== issuerId) problems.push('iss != issuer.id');
if (payload.jti === undefined || payload.jti !== payload.id) problems.push('jti != id');
if (payload.sub === undefined || payload.sub !== payload.credentialSubject?.id) {
  problems.push('sub != credentialSubject.id');
}
if (payload.nbf === undefined || payload.nbf !== secs(payload.validFrom)) problems.push('nbf != validFrom');
if (payload.validUntil !== undefined && payload.exp !== secs(payload.validUntil)) problems.push('exp != validUntil');
report({problems, header});
