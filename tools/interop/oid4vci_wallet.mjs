// An OpenID4VCI 1.0 wallet (Sphereon's @sphereon/oid4vci-client) receiving a badge from the live server.
//
// usage: node oid4vci_wallet.mjs <credential offer deep link> --configuration <credential_configuration_id>
//          [--tx-code 123456] [--mode ok|replay|bad-proof] --map https://badges.test=http://127.0.0.1:PORT
// The client resolves the offer by reference, reads the issuer and authorization server metadata, exchanges
// the pre-authorized code (and tx_code) at the token endpoint, gets a c_nonce and asks the credential with a
// jwt key proof signed by a fresh Ed25519 did:key (kid = the DID URL of its key).
// mode ok: prints the credential received. replay: then sends the same pre-authorized code again.
// bad-proof: signs the key proof with another key than the one its kid names.
// prints one JSON line: {ok, did, credential, refusal, fetched, refusedFetches}; exit 0 = the mode's outcome.
import {register} from 'node:module';
import {installFetchHook, network, parseArgs} from './network.mjs';

register('./oid4vci_fetch_hook.mjs', import.meta.url);
const {maps, positional: [offerLink], options} = parseArgs(process.argv.slice(2));
installFetchHook(maps);
const {OpenID4VCIClientV1_0_15, AccessTokenClient} = await import('@sphereon/oid4vci-client');
const Ed25519Multikey = await import('@digitalbazaar/ed25519-multikey');

const mode = options.mode ?? 'ok';
const refusals = [];
const hooked = globalThis.fetch;
globalThis.fetch = async (input, init) => {  // keeps the error object of every refusal for the report
  const response = await hooked(input, init);
  if (response.status >= 400) refusals.push(await response.clone().json().catch(() => ({status: response.status})));
  return response;
};

const report = (out, ok) => {
  console.log(JSON.stringify({ok, ...out, refusals, fetched: network.fetched, refusedFetches: network.refused}));
  process.exit(ok ? 0 : 1);
};

const b64url = (bytes) => Buffer.from(bytes).toString('base64url');
const holder = await Ed25519Multikey.generate();
const did = `did:key:${holder.publicKeyMultibase}`;
const kid = `${did}#${holder.publicKeyMultibase}`;
const signer = (mode === 'bad-proof' ? await Ed25519Multikey.generate() : holder).signer();
// Sphereon's ProofOfPossessionCallbacks: sign the header and payload it built (typ openid4vci-proof+jwt,
// aud = the credential issuer, nonce = the c_nonce) as a compact JWS.
const signCallback = async ({header, payload}) => {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(await signer.sign({data: new TextEncoder().encode(input)}))}`;
};

try {
  const client = await OpenID4VCIClientV1_0_15.fromURI({uri: offerLink, kid, alg: 'EdDSA', retrieveServerMetadata: true});
  const offer = client.credentialOffer;
  await client.acquireAccessToken({pin: options['tx-code']});
  if (mode === 'replay') {
    const again = await new AccessTokenClient().acquireAccessToken({
      credentialOffer: offer, pin: options['tx-code'], metadata: client.endpointMetadata});
    const error = again.errorBody?.error;
    report({did, refusal: error ?? null, status: again.origResponse?.status}, error === 'invalid_grant');
  }
  const config = options.configuration;
  const format = client.endpointMetadata.credentialIssuerMetadata.credential_configurations_supported[config].format;
  const answer = await client.acquireCredentials({
    credentialConfigurationId: config, format, kid, alg: 'EdDSA', proofCallbacks: {signCallback}});
  const credential = answer.credentials?.[0]?.credential ?? answer.credential;
  report({did, credential, refusal: null}, mode === 'ok' && credential !== undefined);
} catch (e) {
  const refusal = refusals.at(-1)?.error ?? null;
  report({did, refusal, error: String(e?.message ?? e)}, mode === 'bad-proof' && refusal === 'invalid_proof');
}
