// Module hook for oid4vci_wallet.mjs: Sphereon's packages fetch through `cross-fetch`, which in Node is
// node-fetch with its own sockets, out of reach of network.mjs. This points `cross-fetch` at
// oid4vci_global_fetch.mjs (the global fetch, which network.mjs replaces), so the client's every request
// reaches the live test server the way the other outside tools' requests do. Nothing else is changed.
export async function resolve(specifier, context, next) {
  if (specifier === 'cross-fetch') {
    return {url: new URL('./oid4vci_global_fetch.mjs', import.meta.url).href, shortCircuit: true};
  }
  return next(specifier, context);
}
