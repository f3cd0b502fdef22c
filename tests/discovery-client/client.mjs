// Usage: node client.mjs ISSUER CLIENT_ID CLIENT_SECRET
// Knows only the issuer: discovers the metadata (RFC 8414), then uses the endpoints it
// names for client_credentials, introspection (RFC 7662) and revocation (RFC 7009).
// Prints one JSON line with what it found; exits non-zero on any failure.
import * as oauth from 'oauth4webapi';

const [issuerText, clientId, clientSecret] = process.argv.slice(2);
const issuer = new URL(issuerText);
const local = { [oauth.allowInsecureRequests]: true };

const as = await oauth.processDiscoveryResponse(
  issuer,
  await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...local }),
);
const client = { client_id: clientId };
const auth = oauth.ClientSecretBasic(clientSecret);

const granted = await oauth.processClientCredentialsResponse(
  as,
  client,
  await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams(), local),
);
const introspected = await oauth.processIntrospectionResponse(
  as,
  client,
  await oauth.introspectionRequest(as, client, auth, granted.access_token, local),
);
await oauth.processRevocationResponse(
  await oauth.revocationRequest(as, client, auth, granted.access_token, local),
);

console.log(JSON.stringify({
  issuer: as.issuer,
  token_endpoint: as.token_endpoint,
  introspection_endpoint: as.introspection_endpoint,
  revocation_endpoint: as.revocation_endpoint,
  jwks_uri: as.jwks_uri,
  token_type: granted.token_type,
  active: introspected.active,
  sub: introspected.sub,
}));
