//! Diesel's view of the tables in `migrations/`. Written by hand in the type subset that
//! both backends share (Text, Bool, Integer, BigInt, Timestamp).

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        is_admin -> Bool,
        enabled -> Bool,
        created_at -> Timestamp,
        password_changed_at -> Timestamp,
        email -> Nullable<Text>,
        email_verified -> Bool,
        display_name -> Nullable<Text>,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Nullable<Text>,
        is_public -> Bool,
        grant_types -> Text,
        scopes -> Text,
        resources -> Text,
        skip_consent -> Bool,
        enabled -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        id_token_alg -> Nullable<Text>,
        post_logout_redirect_uris -> Text,
        require_dpop -> Bool,
        require_par -> Bool,
    }
}

diesel::table! {
    client_redirect_uris (client_id, position) {
        client_id -> Text,
        position -> Integer,
        uri -> Text,
    }
}

diesel::table! {
    authorization_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        user_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        resource -> Nullable<Text>,
        code_challenge -> Text,
        auth_time -> Timestamp,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        redeemed_at -> Nullable<Timestamp>,
        family_id -> Nullable<Text>,
        nonce -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_token_families (id) {
        id -> Text,
        user_id -> Text,
        client_id -> Text,
        scope -> Text,
        resource -> Nullable<Text>,
        auth_time -> Timestamp,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        idle_expires_at -> Timestamp,
        absolute_expires_at -> Timestamp,
        generation -> BigInt,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
        handle_hash -> Nullable<Text>,
        current_hash -> Nullable<Text>,
        previous_hash -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    /// Tokens issued before families had handles, kept (read only) until their family goes.
    legacy_refresh_tokens (token_hash) {
        token_hash -> Text,
        family_id -> Text,
    }
}

diesel::table! {
    consents (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        scope -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    browser_sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        auth_time -> Timestamp,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
    }
}

diesel::table! {
    signing_keys (id) {
        id -> Text,
        alg -> Text,
        private_key -> Text,
        public_jwk -> Text,
        created_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    security_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        kind -> Text,
        user_id -> Nullable<Text>,
        client_id -> Nullable<Text>,
        family_id -> Nullable<Text>,
        ip -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    pushed_authorization_requests (request_hash) {
        request_hash -> Text,
        client_id -> Text,
        parameters -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    dpop_proofs (proof_hash) {
        proof_hash -> Text,
        expires_at -> Timestamp,
    }
}

diesel::joinable!(client_redirect_uris -> clients (client_id));
diesel::joinable!(legacy_refresh_tokens -> refresh_token_families (family_id));
diesel::joinable!(refresh_token_families -> clients (client_id));
diesel::joinable!(refresh_token_families -> users (user_id));
diesel::joinable!(browser_sessions -> users (user_id));
diesel::joinable!(authorization_codes -> clients (client_id));
diesel::joinable!(consents -> clients (client_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    clients,
    client_redirect_uris,
    authorization_codes,
    refresh_token_families,
    legacy_refresh_tokens,
    consents,
    browser_sessions,
    signing_keys,
    login_throttle,
    security_events,
    pushed_authorization_requests,
    dpop_proofs,
);
