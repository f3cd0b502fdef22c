"""A relying party built on authlib (PyPI), knowing only Latchkey's issuer URL and its own
registration. The user's part (login and consent on Latchkey's pages) happens between
the two steps, in the caller's browser.

  python rp.py start  ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI
      discovery, then the authentication request with PKCE (S256), nonce and state;
      prints {url, state, nonce, code_verifier}
  python rp.py finish ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI START_JSON CALLBACK_URL
      redeems the code (client_secret_post) after checking state, validates the ID token
      with authlib's CodeIDToken (signature from the JWKS, iss, aud, azp, exp, iat,
      nonce, at_hash), fetches userinfo, refreshes and validates the new ID token (no
      nonce); prints what it saw.

Exits non-zero, with authlib's error on stderr, when any check fails.
"""

import json
import os
import sys
import warnings

# Latchkey listens on plain http://127.0.0.1 in the tests; authlib refuses http otherwise.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
warnings.filterwarnings("ignore", category=DeprecationWarning)

import requests  # noqa: E402
from authlib.common.security import generate_token  # noqa: E402
from authlib.integrations.requests_client import OAuth2Session  # noqa: E402
from authlib.jose import JsonWebKey, jwt  # noqa: E402
from authlib.oidc.core import CodeIDToken, IDToken  # noqa: E402

step, issuer, client_id, client_secret, redirect_uri, *rest = sys.argv[1:]
metadata = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10).json()
assert metadata["issuer"] == issuer, metadata
session = OAuth2Session(
    client_id,
    client_secret,
    token_endpoint_auth_method="client_secret_post",
    scope="openid profile email",
    redirect_uri=redirect_uri,
    code_challenge_method="S256",
)


def validated(id_token, claims_cls, params):
    keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
    claims = jwt.decode(
        id_token,
        keys,
        claims_cls=claims_cls,
        claims_options={"iss": {"essential": True, "value": issuer}},
        claims_params={"client_id": client_id, **params},
    )
    claims.validate(leeway=0)
    return dict(claims), dict(claims.header)


if step == "start":
    nonce, verifier = generate_token(20), generate_token(48)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"], nonce=nonce, code_verifier=verifier
    )
    print(json.dumps({"url": url, "state": state, "nonce": nonce, "code_verifier": verifier}))
elif step == "finish":
    started, callback = json.loads(rest[0]), rest[1]
    token = session.fetch_token(
        metadata["token_endpoint"],
        authorization_response=callback,
        state=started["state"],
        code_verifier=started["code_verifier"],
    )
    claims, header = validated(
        token["id_token"],
        CodeIDToken,
        {"nonce": started["nonce"], "access_token": token["access_token"]},
    )
    userinfo = session.get(metadata["userinfo_endpoint"]).json()
    refreshed = session.refresh_token(
        metadata["token_endpoint"], refresh_token=token["refresh_token"]
    )
    again, _ = validated(
        refreshed["id_token"], IDToken, {"access_token": refreshed["access_token"]}
    )
    assert "nonce" not in again, again
    for same in ("iss", "sub", "aud", "auth_time"):
        assert again[same] == claims[same], (same, claims, again)
    print(json.dumps({"header": header, "claims": claims, "userinfo": userinfo, "refreshed": again}))
else:
    sys.exit(f"unknown step {step}")
