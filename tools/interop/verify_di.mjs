// Verify an OB 3.0 credential's Data Integrity proof (eddsa-rdfc-2022) with the Digital Bazaar stack, offline.
//
// usage: node verify_di.mjs <credential.json> <contexts dir> [extra-docs.json]
//   contexts dir: badges/data/contexts (index.json maps each context URL to its file)
//   extra-docs.json: {"<url>": <document>} for https key / controller documents (standards README A3.6)
//                    and signed BitstringStatusListCredentials (A3.8)
// prints one JSON line: {verified, revoked, error, statusResults}
// exit 0 only when the proof verifies and no status entry is set (C2.3: vc reports revocation separately).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';

const REFUSED = [];
// Nothing leaves the machine: every document comes from the contexts dir or extra-docs.
globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : (input?.url ?? String(input));
  REFUSED.push(url);
  throw new TypeError('offline harness refused fetch ' + url);
};

const report = (out, code) => {
  console.log(JSON.stringify({...out, refusedFetches: REFUSED}));
  process.exit(code);
};

const errorText = (error) => {
  if (!error) return undefined;
  const inner = error.errors?.length ? error.errors : [error];
  return inner.map((e) => String(e?.message ?? e)).join('; ');
};

const [credFile, ctxDir, extraFile] = process.argv.slice(2);
if (!credFile || !ctxDir) {
  report({verified: false, revoked: false, error: 'usage: verify_di.mjs <credential.json> <contexts dir> [extra-docs.json]',
    statusResults: []}, 2);
}

try {
  const vc = await import('@digitalbazaar/vc');
  const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
  const {cryptosuite} = await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
  const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');
  const {driver} = await import('@digitalbazaar/did-method-key');
  const {checkStatus} = await import('@digitalbazaar/vc-bitstring-status-list');

  const credential = JSON.parse(readFileSync(credFile, 'utf8'));
  const docs = new Map();
  const index = JSON.parse(readFileSync(join(ctxDir, 'index.json'), 'utf8'));
  for (const [url, entry] of Object.entries(index)) {
    docs.set(url, JSON.parse(readFileSync(join(ctxDir, entry.file), 'utf8')));
  }
  if (extraFile) {
    for (const [url, doc] of Object.entries(JSON.parse(readFileSync(extraFile, 'utf8')))) docs.set(url, doc);
  }

  // The tested did:key path resolves keys as Multikey (C2.3), not Ed25519VerificationKey2020.
  const didKey = driver();
  didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  const unknown = [];
  const documentLoader = async (url) => {
    if (url.startsWith('did:key:')) return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    if (docs.has(url)) return {contextUrl: null, documentUrl: url, document: structuredClone(docs.get(url))};
    unknown.push(url);
    throw new Error('static loader: unknown document ' + url);
  };

  const result = await vc.verifyCredential({
    credential,
    documentLoader,
    suite: new DataIntegrityProof({cryptosuite}),
    checkStatus: credential.credentialStatus ? checkStatus : undefined,
  });
  const statusResults = (result.statusResult?.results ?? []).map((r) => ({
    status: r.status,
    purpose: r.purpose ?? r.credentialStatus?.statusPurpose,
    statusListIndex: r.credentialStatus?.statusListIndex,
    statusListCredential: r.credentialStatus?.statusListCredential,
  }));
  const revoked = statusResults.some((r) => r.status === true);
  const statusError = errorText(result.statusResult?.error);
  const error = errorText(result.error) ?? statusError;
  report({verified: result.verified, revoked, error, statusError, statusResults, unknownDocuments: unknown},
    result.verified && !revoked ? 0 : 1);
} catch (e) {
  report({verified: false, revoked: false, error: 'verifier crashed: ' + (e?.stack ?? e), statusResults: []}, 2);
}
