// Verify an OB 3.0 credential's Data Integrity proof (eddsa-rdfc-2022) with the Digital Bazaar stack, over HTTP.
//
// usage: node verify_di.mjs <credential.json> <contexts dir> --map https://badges.test=http://127.0.0.1:PORT
//   contexts dir: badges/data/contexts (index.json maps each context URL to its file): bundled, as real
//   verifiers bundle their contexts. Every other document (https Multikey and controller documents, A3.6;
//   signed BitstringStatusListCredentials, A3.8) is fetched through network.mjs from the live test servers,
//   by a document loader that behaves like jsonld's node loader (same Accept header, no fragment, status
//   codes honoured).
// prints one JSON line: {verified, revoked, error, statusResults, fetched, refusedFetches}
// exit 0 only when the proof verifies and no status entry is set (C2.3: vc reports revocation separately).
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {installFetchHook, network, parseArgs} from './network.mjs';

const {maps, positional: [credFile, ctxDir]} = parseArgs(process.argv.slice(2));
installFetchHook(maps);

const report = (out, code) => {
  console.log(JSON.stringify({...out, fetched: network.fetched, refusedFetches: network.refused}));
  process.exit(code);
};

// jsonld.js's node document loader asks for JSON-LD first, then JSON.
const LOADER_ACCEPT = 'application/ld+json, application/json';

async function fetchDocument(url) {
  const response = await fetch(url, {headers: {accept: LOADER_ACCEPT}});
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return {contextUrl: null, documentUrl: response.url, document: JSON.parse(await response.text())};
}

const errorText = (error) => {
  if (!error) return undefined;
  const inner = error.errors?.length ? error.errors : [error];
  return inner.map((e) => String(e?.message ?? e)).join('; ');
};

if (!credFile || !ctxDir) {
  report({verified: false, revoked: false, error: 'usage: verify_di.mjs <credential.json> <contexts dir> --map A=B',
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

  // The tested did:key path resolves keys as Multikey (C2.3), not Ed25519VerificationKey2020.
  const didKey = driver();
  didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});
  const documentLoader = async (url) => {
    if (url.startsWith('did:key:')) return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
    if (docs.has(url)) return {contextUrl: null, documentUrl: url, document: structuredClone(docs.get(url))};
    return fetchDocument(url);
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
  report({verified: result.verified, revoked, error, statusError, statusResults},
    result.verified && !revoked ? 0 : 1);
} catch (e) {
  report({verified: false, revoked: false, error: 'verifier crashed: ' + (e?.stack ?? e), statusResults: []}, 2);
}
