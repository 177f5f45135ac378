// Play the Learner Credential Wallet against the live server: the VC-API exchange (issue 15) over HTTP.
//
// usage: node lcw_wallet.mjs <link> <contexts dir> --map https://badges.test=http://127.0.0.1:PORT
//          [--suite Ed25519Signature2020|eddsa-rdfc-2022] [--tamper challenge|domain|proof|holder]
//          [--replay yes]
//   link: the interaction URL (…?iuv=1, answered with {protocols: {vcapi}}), the LCW universal link
//   (https://lcw.app/request?request={"protocols":{"vcapi":…}}), or the legacy
//   dccrequest://request?issuer=…&vc_request_url=…&challenge=… link (app/lib/request.ts: the presentation,
//   signed for the challenge without a domain, is posted as the body; the credential is the answer).
// As the LCW does (app/lib/exchanges.ts): POST {} to the vcapi URL, read the VerifiablePresentationRequest
// (DIDAuthentication, challenge, domain), sign a presentation as its did:key holder, POST it back in
// {verifiablePresentation}, take the credential out of the answer's presentation.
// prints one JSON line: {did, credential, steps: [{url, status, body}], error}; exit 0 when a credential came.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {installFetchHook, network, parseArgs} from './network.mjs';

const {maps, positional: [link, ctxDir], options} = parseArgs(process.argv.slice(2));
installFetchHook(maps);
const steps = [];
const out = (extra, code) => {
  console.log(JSON.stringify({...extra, steps, fetched: network.fetched, refusedFetches: network.refused}));
  process.exit(code);
};

const vc = await import('@digitalbazaar/vc');
const {Ed25519VerificationKey2020} = await import('@digitalbazaar/ed25519-verification-key-2020');
const {Ed25519Signature2020} = await import('@digitalbazaar/ed25519-signature-2020');
const {DataIntegrityProof} = await import('@digitalbazaar/data-integrity');
const {cryptosuite} = await import('@digitalbazaar/eddsa-rdfc-2022-cryptosuite');
const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');
const {driver} = await import('@digitalbazaar/did-method-key');

const docs = new Map();
for (const [url, entry] of Object.entries(JSON.parse(readFileSync(join(ctxDir, 'index.json'), 'utf8')))) {
  docs.set(url, JSON.parse(readFileSync(join(ctxDir, entry.file), 'utf8')));
}
const suiteName = options.suite ?? 'Ed25519Signature2020';
const didKey = driver();
didKey.use({multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: suiteName === 'Ed25519Signature2020' ? Ed25519VerificationKey2020.from : Ed25519Multikey.from});
const documentLoader = async (url) => {
  if (url.startsWith('did:key:')) return {contextUrl: null, documentUrl: url, document: await didKey.get({url})};
  if (docs.has(url)) return {contextUrl: null, documentUrl: url, document: structuredClone(docs.get(url))};
  throw new Error('wallet loader: unknown document ' + url);
};

// The wallet's own DID: a fresh Ed25519 key pair, made into a did:key by the DID driver.
const keyPair = suiteName === 'Ed25519Signature2020'
  ? await Ed25519VerificationKey2020.generate() : await Ed25519Multikey.generate();
const {didDocument, methodFor} = await didKey.fromKeyPair({verificationKeyPair: keyPair});
const did = didDocument.id;
const method = methodFor({purpose: 'authentication'});
keyPair.id = method.id;
keyPair.controller = did;
const suite = suiteName === 'Ed25519Signature2020'
  ? new Ed25519Signature2020({key: keyPair})
  : new DataIntegrityProof({signer: keyPair.signer(), cryptosuite});

async function call(url, init = {}) {
  const response = await fetch(url, init);
  const text = await response.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  steps.push({url, status: response.status, body});
  return {status: response.status, body};
}

const post = (url, payload) => call(url, {method: 'POST',
  headers: {'content-type': 'application/json', accept: 'application/json'}, body: JSON.stringify(payload)});

async function legacy(parsed) {
  const challenge = parsed.searchParams.get('challenge');
  const url = parsed.searchParams.get('vc_request_url');
  const presentation = vc.createPresentation({holder: did});
  const vp = await vc.signPresentation({presentation, suite, challenge, documentLoader});
  const answer = await post(url, vp);
  const credential = answer.status === 200 ? answer.body : undefined;
  out({did, credential, vp}, credential ? 0 : 1);
}

try {
  let vcapi;
  const parsed = new URL(link);
  if (parsed.protocol === 'dccrequest:') await legacy(parsed);
  if (parsed.searchParams.has('request')) {
    vcapi = JSON.parse(parsed.searchParams.get('request')).protocols?.vcapi;
  } else {
    vcapi = (await call(link, {headers: {accept: 'application/json'}})).body?.protocols?.vcapi;
  }
  if (!vcapi) out({did, error: 'no vcapi protocol'}, 1);
  const first = await post(vcapi, {});
  const vpr = first.body?.verifiablePresentationRequest;
  if (!vpr) out({did, error: 'no VerifiablePresentationRequest'}, 1);
  const queries = [].concat(vpr.query ?? []);
  if (!queries.some((q) => q.type === 'DIDAuthentication')) out({did, error: 'not a DIDAuthentication'}, 1);
  let {challenge, domain} = vpr;
  if (options.tamper === 'challenge') challenge = challenge + 'x';
  if (options.tamper === 'domain') domain = 'evil.example';
  const presentation = vc.createPresentation({holder: did});
  let vp = await vc.signPresentation({presentation, suite, challenge, domain, documentLoader});
  if (options.tamper === 'proof') vp = {...vp, proof: {...vp.proof, proofValue: 'z' + '1'.repeat(86)}};
  if (options.tamper === 'holder') vp = {...vp, holder: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'};
  // The presentation as a verifier reads it: the wallet's own check that it signed what it meant.
  const selfCheck = options.tamper ? null
    : await vc.verify({presentation: vp, suite, challenge, domain, documentLoader});
  const endpoint = vpr.interact?.service?.[0]?.serviceEndpoint ?? vcapi;
  const second = await post(endpoint, {verifiablePresentation: vp});
  if (options.replay) await post(endpoint, {verifiablePresentation: vp});
  const credential = [].concat(second.body?.verifiablePresentation?.verifiableCredential ?? [])[0];
  out({did, credential, selfCheck: selfCheck?.verified ?? null, vp}, credential ? 0 : 1);
} catch (error) {
  out({did, error: String(error?.stack ?? error)}, 1);
}
