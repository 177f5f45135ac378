// `cross-fetch` for oid4vci_wallet.mjs (see oid4vci_fetch_hook.mjs): the global fetch, bodies as text.
const asText = (body) => (body instanceof URLSearchParams ? body.toString() : body);
const fetch = (input, init = {}) => globalThis.fetch(input, {...init, body: asText(init.body)});
export default fetch;
export {fetch};
export const {Headers, Request, Response} = globalThis;
