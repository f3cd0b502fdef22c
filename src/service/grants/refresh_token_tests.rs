//! The rule set, case by case, without a database. The same cases run against both
//! databases through every write path in `tests/api/rotation_paths.rs`.

use chrono::{DateTime, TimeDelta, Utc};

use super::*;
use crate::domain::{FamilyId, RefreshToken, UserId};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap()
}

struct Case {
    family: StoredFamily,
    current: RefreshToken,
    previous: RefreshToken,
    older: RefreshToken,
    client: ClientId,
}

fn case() -> Case {
    let client = ClientId::generate();
    let [older, previous, current] = [(); 3].map(|_| RefreshToken::generate());
    let family = StoredFamily {
        id: FamilyId::generate(),
        user_id: UserId::generate(),
        client_id: client,
        scope: Scope::parse("read write").unwrap(),
        resource: None,
        auth_time: now() - TimeDelta::days(1),
        generation: 3,
        current: Some(current.hashes().token),
        previous: Some(previous.hashes().token),
        rotated_at: now() - TimeDelta::seconds(1),
        idle_expires_at: now() + TimeDelta::days(6),
        absolute_expires_at: now() + TimeDelta::days(29),
        revoked: false,
        has_handle: true,
        dpop_jkt: None,
        user_enabled: true,
        client_enabled: true,
        openid: None,
    };
    Case {
        family,
        current,
        previous,
        older,
        client,
    }
}

fn attempt(case: &Case, token: &RefreshToken, grace: i64) -> RefreshAttempt {
    RefreshAttempt {
        client: case.client,
        presented: token.hashes().token,
        legacy: false,
        scope: None,
        replacement: RefreshToken::generate().hashes(),
        now: now(),
        idle_ttl: TimeDelta::days(7),
        reuse_grace: TimeDelta::seconds(grace),
    }
}

fn refusal(decision: Decision) -> Option<Refusal> {
    match decision {
        Decision::Refuse(refusal) => Some(refusal),
        _ => None,
    }
}

#[test]
fn the_current_token_rotates_under_the_loaded_generation() {
    let case = case();
    let attempt = attempt(&case, &case.current, 0);
    let Decision::Rotate { write, scope } = decide(&case.family, &attempt) else {
        panic!("the current token must rotate");
    };
    assert_eq!(write.family, case.family.id);
    assert_eq!(write.expected_generation, 3);
    assert!(write.token.matches(&attempt.replacement.token));
    assert!(write.handle.is_none(), "the family keeps its handle");
    assert_eq!(write.idle_expires_at, now() + TimeDelta::days(7));
    assert_eq!(scope.to_string(), "read write");
}

#[test]
fn step_7_the_idle_window_is_capped_by_the_absolute_expiry() {
    let mut case = case();
    case.family.absolute_expires_at = now() + TimeDelta::days(2);
    let Decision::Rotate { write, .. } = decide(&case.family, &attempt(&case, &case.current, 0))
    else {
        panic!("must rotate");
    };
    assert_eq!(write.idle_expires_at, now() + TimeDelta::days(2));
}

#[test]
fn steps_1_to_3_refuse_without_a_write() {
    type Change = fn(&mut Case);
    let cases: [(Change, Refusal); 6] = [
        (|c| c.client = ClientId::generate(), Refusal::OtherClient),
        (|c| c.family.revoked = true, Refusal::Revoked),
        (|c| c.family.idle_expires_at = now(), Refusal::Expired),
        (|c| c.family.absolute_expires_at = now(), Refusal::Expired),
        (|c| c.family.user_enabled = false, Refusal::UserDisabled),
        (|c| c.family.client_enabled = false, Refusal::ClientDisabled),
    ];
    for (change, expected) in cases {
        let mut case = case();
        change(&mut case);
        // Even a replayed token is refused, not treated as theft, once steps 1 to 3 fail.
        for token in [&case.current, &case.older] {
            let decision = decide(&case.family, &attempt(&case, token, 0));
            assert_eq!(refusal(decision), Some(expected));
        }
    }
}

#[test]
fn step_4_any_earlier_token_is_a_reuse() {
    let case = case();
    for (token, grace) in [(&case.previous, 0), (&case.older, 0), (&case.older, 30)] {
        assert!(matches!(
            decide(&case.family, &attempt(&case, token, grace)),
            Decision::Reuse { .. }
        ));
    }
    // A token with this family's handle and a secret never issued is also the work of
    // someone who held one of its tokens.
    let forged = RefreshToken::generate();
    assert!(matches!(
        decide(&case.family, &attempt(&case, &forged, 30)),
        Decision::Reuse { .. }
    ));
}

#[test]
fn step_4_the_previous_token_within_the_grace_is_a_retry() {
    let case = case();
    let Decision::Rotate { write, .. } = decide(&case.family, &attempt(&case, &case.previous, 2))
    else {
        panic!("a retry within the grace rotates");
    };
    assert_eq!(
        write.expected_generation, 3,
        "it replaces the current token"
    );
    let mut late = attempt(&case, &case.previous, 2);
    late.now = now() + TimeDelta::seconds(2);
    assert!(matches!(
        decide(&case.family, &late),
        Decision::Reuse { .. }
    ));
}

#[test]
fn step_5_scope_narrows_but_never_widens() {
    let case = case();
    let mut narrow = attempt(&case, &case.current, 0);
    narrow.scope = Some(Scope::parse("read").unwrap());
    assert!(matches!(
        decide(&case.family, &narrow),
        Decision::Rotate { scope, .. } if scope.to_string() == "read"
    ));
    let mut wide = attempt(&case, &case.current, 0);
    wide.scope = Some(Scope::parse("read admin").unwrap());
    assert_eq!(
        refusal(decide(&case.family, &wide)),
        Some(Refusal::ScopeTooWide)
    );
}

#[test]
fn a_family_from_before_handles_gets_one_at_its_first_rotation() {
    let mut case = case();
    case.family.has_handle = false;
    let mut legacy = attempt(&case, &case.current, 0);
    legacy.legacy = true;
    let Decision::Rotate { write, .. } = decide(&case.family, &legacy) else {
        panic!("a legacy current token rotates");
    };
    assert!(write.handle.unwrap().matches(&legacy.replacement.handle));

    // Its previous token retried in the grace after the family moved on cannot be given
    // a sibling of a handle known only as a hash: refused, and not as theft.
    case.family.has_handle = true;
    let mut retry = attempt(&case, &case.previous, 2);
    retry.legacy = true;
    assert_eq!(
        refusal(decide(&case.family, &retry)),
        Some(Refusal::LegacyRetry)
    );
}

#[test]
fn only_the_current_token_of_a_live_family_is_live() {
    let case = case();
    assert!(is_live_token(
        &case.family,
        &case.current.hashes().token,
        now()
    ));
    assert!(!is_live_token(
        &case.family,
        &case.previous.hashes().token,
        now()
    ));
    let mut revoked = case.family.clone();
    revoked.revoked = true;
    assert!(!is_live_token(
        &revoked,
        &case.current.hashes().token,
        now()
    ));
    assert!(!is_live_token(
        &case.family,
        &case.current.hashes().token,
        case.family.idle_expires_at
    ));
}
