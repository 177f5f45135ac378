// Verify an OB 3.0 credential with DCC @digitalcredentials/verifier-core (standards README C3), over HTTP.
//
// usage: node verifier_core.mjs <credential.json> --map https://badges.test=http://127.0.0.1:PORT [--map ...]
//   Every document verifier-core fetches (keys, controller documents, status lists) goes through the fetch hook
//   of network.mjs to the live test servers, as on a network; only the OB 3.0 AchievementCredential JSON Schema
//   (badges/data/schemas/) is bundled, as real verifiers bundle it. verifier-core builds its own document loader
//   and cannot be given one: it uses the global fetch, so the hook is installed BEFORE the import.
// prints one JSON line: {accepted, errors, log, schema_check, fetched, refusedFetches}
// Acceptance (C3): no top-level errors; valid_signature, expiration and revocation_status (when present) valid;
// schema_check valid. registered_issuer is ignored (false offline: no DID registries are given).
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {installFetchHook, network, parseArgs} from './network.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCHEMA_FILE = join(HERE, '..', '..', 'badges', 'data', 'schemas', 'ob_v3p0_achievementcredential_schema.json');
const SCHEMA_URLS = [
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
  // the schema's own $id
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json-ld/ob_v3p0_achievementcredential_schema.json',
];
const CHECKED_STEPS = ['valid_signature', 'expiration', 'revocation_status'];

const {maps, positional: [credFile]} = parseArgs(process.argv.slice(2));
if (!credFile) {
  console.log(JSON.stringify({accepted: false, errors: [{message: 'usage: verifier_core.mjs <credential.json> --map A=B'}]}));
  process.exit(2);
}
const schemaText = readFileSync(SCHEMA_FILE, 'utf8');
installFetchHook(maps, new Map(SCHEMA_URLS.map((url) => [url, schemaText])));

const summariseError = (e) => ({name: e?.name, message: String(e?.message ?? e)});

let out;
try {
  const credential = JSON.parse(readFileSync(credFile, 'utf8'));
  const {verifyCredential} = await import('@digitalcredentials/verifier-core');
  const r = await verifyCredential({credential, knownDIDRegistries: []});
  const errors = (r.errors ?? []).map(summariseError);
  const log = (r.log ?? []).map((entry) => ({
    id: entry.id,
    valid: entry.valid,
    ...(entry.error ? {error: summariseError(entry.error)} : {}),
  }));
  const schemaEntry = (r.additionalInformation ?? []).find((e) => e.id === 'schema_check');
  const schemaResults = Array.isArray(schemaEntry?.results) ? schemaEntry.results : [];
  const schema_check = {
    results: Array.isArray(schemaEntry?.results)
      ? schemaResults.map((s) => ({
        schema: s.schema,
        valid: s.result?.valid === true,
        errors: (s.result?.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`),
      }))
      : (schemaEntry?.results ?? 'missing'),
  };
  schema_check.valid = schemaResults.length > 0 && schemaResults.every((s) => s.result?.valid === true);
  const stepsOk = CHECKED_STEPS.every((id) => log.filter((e) => e.id === id).every((e) => e.valid === true));
  const signatureSeen = log.some((e) => e.id === 'valid_signature');
  const accepted = errors.length === 0 && signatureSeen && stepsOk && schema_check.valid;
  out = {accepted, errors, log, schema_check};
} catch (e) {
  out = {accepted: false, errors: [{name: 'harness_error', message: String(e?.stack ?? e)}], log: []};
}
console.log(JSON.stringify({...out, fetched: network.fetched, refusedFetches: network.refused}));
process.exit(out.accepted ? 0 : 1);
