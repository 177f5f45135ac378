// Verify an OB 3.0 VC-JWT (standards README A3.7 / C4) with jose, offline.
//
// usage: node verify_jwt.mjs <credential.jwt> [jwks.json]
// Applies the OB 3.0 header rules (alg RS256/ES256 only, no JOSE header beyond alg/kid/jwk/typ, typ "JWT"),
// the signature check, then the claim rules (iss/jti/sub/nbf/exp equal the credential fields).
// prints one JSON line: {valid, problems, error, header}; exit 0 = valid.
import {readFileSync} from 'node:fs';

globalThis.fetch = async (input) => {
  throw new TypeError('offline harness refused fetch ' + (typeof input === 'string' ? input : input?.url));
};

const ALLOWED_HEADERS = ['alg', 'kid', 'jwk', 'typ'];
const ALLOWED_ALGS = ['RS256', 'ES256']; // 1EdTech's validator accepts only these (ExternalProofProbe.java)

const report = (out) => {
  const valid = !out.error && out.problems.length === 0;
  console.log(JSON.stringify({valid, ...out}));
  process.exit(valid ? 0 : 1);
};

const [tokFile, jwksFile] = process.argv.slice(2);
if (!tokFile) {
  console.log(JSON.stringify({valid: false, problems: [], error: 'usage: verify_jwt.mjs <token file> [jwks.json]'}));
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

let payload;
try {
  let key;
  if (header.jwk) key = await jose.importJWK(header.jwk, header.alg);
  else if (jwksFile) key = jose.createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
  else throw Object.assign(new Error('no jwk in the header and no JWKS file given'), {code: 'NO_KEY'});
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
