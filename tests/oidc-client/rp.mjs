// A relying party built on panva's openid-client (an OpenID Certified RP library) that
// knows only Latchkey's issuer URL and its own registration. The user's part (login and
// consent on Latchkey's pages) happens between the two steps, in the caller's browser.
//
//   node rp.mjs start  ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI ALG
//     discovery, then the authentication request with PKCE (S256), nonce and state;
//     prints {url, code_verifier, nonce, state}
//   node rp.mjs finish ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI ALG START_JSON CALLBACK_URL POST_LOGOUT_URI
//     validates the callback (state, iss), redeems the code with full ID token
//     validation (signature from the JWKS, alg, iss, aud, exp, iat, nonce, auth_time; the
//     library leaves the optional at_hash to us, so this script checks it), fetches userinfo for that subject, refreshes and checks the new ID token against
//     the first (OIDC Core 12.2), and builds the end-session URL; prints what it saw.
//
// Exits non-zero, with the library's error on stderr, when any check fails.
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';

const [step, issuer, clientId, clientSecret, redirectUri, alg, ...rest] = process.argv.slice(2);

const config = await oidc.discovery(
  new URL(issuer),
  clientId,
  { id_token_signed_response_alg: alg, require_auth_time: true },
  oidc.ClientSecretBasic(clientSecret),
  { execute: [oidc.allowInsecureRequests] },
);

function check(condition, what, detail) {
  if (!condition) {
    throw new Error(`${what}: ${JSON.stringify(detail)}`);
  }
}

// OIDC Core 3.1.3.6: the left half of the access token's hash under the ID token's
// algorithm (SHA-512 for Ed25519), base64url.
function checkAtHash(claims, accessToken) {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(accessToken).digest();
  const expected = digest.subarray(0, digest.length / 2).toString('base64url');
  check(claims.at_hash === expected, 'at_hash binds the access token', { claims, expected });
}

async function start() {
  const code_verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(code_verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  return { url: url.href, code_verifier, nonce, state };
}

async function finish(started, callbackUrl, postLogoutRedirectUri) {
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callbackUrl), {
    pkceCodeVerifier: started.code_verifier,
    expectedNonce: started.nonce,
    expectedState: started.state,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  checkAtHash(claims, tokens.access_token);
  const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);

  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  const again = refreshed.claims();
  check(again !== undefined, 'a refresh of an openid family returns an ID token', refreshed);
  checkAtHash(again, refreshed.access_token);
  for (const name of ['iss', 'sub', 'aud', 'auth_time']) {
    check(
      JSON.stringify(again[name]) === JSON.stringify(claims[name]),
      `the refreshed ID token keeps ${name}`,
      { first: claims[name], refreshed: again[name] },
    );
  }
  check(again.iat >= claims.iat, 'the refreshed ID token is issued anew', { claims, again });
  check(again.nonce === undefined, 'a refreshed ID token has no nonce', again);

  const endSession = oidc.buildEndSessionUrl(config, {
    id_token_hint: refreshed.id_token,
    post_logout_redirect_uri: postLogoutRedirectUri,
    state: started.state,
  });
  return {
    claims,
    userinfo,
    refreshed_claims: again,
    scope: tokens.scope,
    end_session_url: endSession.href,
  };
}

const out =
  step === 'start'
    ? await start()
    : step === 'finish'
      ? await finish(JSON.parse(rest[0]), rest[1], rest[2])
      : (() => {
          throw new Error(`unknown step ${step}: start or finish`);
        })();
console.log(JSON.stringify(out));
