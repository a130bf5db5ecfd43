//! The account store contract (GitHub users, sessions, sign-in states, token use), run
//! against SQLite and PostgreSQL alike.

use chrono::{Duration, TimeZone, Utc};
use skillvet_core::accounts::{GithubProfile, NewSession, OAuthState};
use skillvet_core::model::Role;
use skillvet_core::store::StoreError;
use skillvet_core::{Clock, ManualClock};
use skillvet_test_db::{TestDb, backend_tests};

fn clock() -> ManualClock {
    ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap())
}

fn profile(id: i64, login: &str) -> GithubProfile {
    GithubProfile {
        id,
        login: login.into(),
        avatar_url: Some(format!("https://avatars.example/{id}")),
        orgs: vec!["Acme".into()],
    }
}

async fn oauth_states_work_once_and_expire(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let state = |hash: &str, ttl: i64| OAuthState {
        state_sha256: hash.into(),
        code_verifier: format!("verifier-{hash}"),
        return_to: "/account".into(),
        expires_at: clock.now() + Duration::minutes(ttl),
    };
    store
        .begin_oauth(&state("a", 10), clock.now())
        .await
        .unwrap();
    store
        .begin_oauth(&state("b", 1), clock.now())
        .await
        .unwrap();
    let taken = store.take_oauth("a", clock.now()).await.unwrap().unwrap();
    assert_eq!(taken, state("a", 10));
    assert_eq!(
        store.take_oauth("a", clock.now()).await.unwrap(),
        None,
        "one-time"
    );
    assert_eq!(store.take_oauth("nope", clock.now()).await.unwrap(), None);
    clock.advance(Duration::minutes(2));
    assert_eq!(
        store.take_oauth("b", clock.now()).await.unwrap(),
        None,
        "expired"
    );
    // A duplicate state (never produced by 256-bit randomness) is refused, not merged.
    store
        .begin_oauth(&state("c", 10), clock.now())
        .await
        .unwrap();
    let err = store.begin_oauth(&state("c", 10), clock.now()).await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
}

async fn github_users_are_identified_by_id_and_follow_renames(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let alice = store
        .upsert_github_user(&profile(1, "Alice"), clock.now())
        .await
        .unwrap();
    assert_eq!(
        (
            alice.login.as_str(),
            alice.role,
            alice.github_id,
            alice.github_orgs.clone()
        ),
        ("alice", Role::User, Some(1), vec!["acme".to_string()])
    );
    // Same id, new login and organisations: same user, refreshed.
    clock.advance(Duration::hours(1));
    let mut renamed = profile(1, "alice2");
    renamed.orgs = vec![];
    let again = store
        .upsert_github_user(&renamed, clock.now())
        .await
        .unwrap();
    assert_eq!((again.id, again.login.as_str()), (alice.id, "alice2"));
    assert!(again.github_orgs.is_empty());
    // Another GitHub account now called `alice2` (the first was renamed again on GitHub):
    // the stale holder is parked, the newcomer gets the login.
    let bob = store
        .upsert_github_user(&profile(2, "alice2"), clock.now())
        .await
        .unwrap();
    assert_ne!(bob.id, alice.id);
    assert_eq!(bob.login, "alice2");
    let parked = store.user_by_login("alice2~1").await.unwrap().unwrap();
    assert_eq!(parked.id, alice.id);
    // A login held by a local account is never taken over.
    store
        .ensure_user("root", Role::Admin, clock.now())
        .await
        .unwrap();
    let err = store
        .upsert_github_user(&profile(3, "root"), clock.now())
        .await;
    assert!(matches!(err, Err(StoreError::Conflict(_))), "{err:?}");
    let root = store.user_by_login("root").await.unwrap().unwrap();
    assert_eq!((root.role, root.github_id), (Role::Admin, None));

    store.set_role(bob.id, Role::Reviewer).await.unwrap();
    assert_eq!(
        store.user_by_login("alice2").await.unwrap().unwrap().role,
        Role::Reviewer
    );
    store.set_role(bob.id, Role::Admin).await.unwrap();
    assert_eq!(
        store.user_by_login("alice2").await.unwrap().unwrap().role,
        Role::Admin
    );
    assert!(matches!(
        store.set_role(9999, Role::Admin).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn sessions_expire_when_idle_or_old_and_can_be_revoked(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let idle = Duration::hours(12);
    let user = store
        .upsert_github_user(&profile(7, "carol"), clock.now())
        .await
        .unwrap();
    let new = |hash: &'static str, days: i64| NewSession {
        user_id: user.id,
        session_sha256: hash,
        expires_at: clock.now() + Duration::days(days),
        ip: Some("127.0.0.1"),
    };
    let s1 = store
        .create_session(&new("s1", 30), clock.now())
        .await
        .unwrap();
    store
        .create_session(&new("s2", 1), clock.now())
        .await
        .unwrap();
    store
        .create_session(&new("s3", 30), clock.now())
        .await
        .unwrap();
    let live = |hash: &'static str| {
        let store = store.clone();
        let now = clock.now();
        async move { store.session_user(hash, now - idle, now).await.unwrap() }
    };
    let (found_user, found) = live("s1").await.unwrap();
    assert_eq!((found_user.id, found.id), (user.id, s1.id));
    assert_eq!(found.ip.as_deref(), Some("127.0.0.1"));
    assert!(live("unknown").await.is_none());

    // Activity keeps s1 alive past the idle limit; s3 is left idle.
    for _ in 0..3 {
        clock.advance(Duration::hours(8));
        assert!(live("s1").await.is_some(), "active session");
    }
    assert!(live("s3").await.is_none(), "idle session");
    assert!(live("s2").await.is_none(), "past its absolute expiry");
    let listed = store
        .user_sessions(user.id, clock.now() - idle, clock.now())
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), vec![s1.id]);

    assert!(store.revoke_session("s1", clock.now()).await.unwrap());
    assert!(!store.revoke_session("s1", clock.now()).await.unwrap());
    assert!(live("s1").await.is_none(), "revoked");

    // Sign-out everywhere ends every session, however fresh.
    store
        .create_session(&new("s4", 30), clock.now())
        .await
        .unwrap();
    store
        .create_session(&new("s5", 30), clock.now())
        .await
        .unwrap();
    assert_eq!(
        store
            .revoke_user_sessions(user.id, clock.now())
            .await
            .unwrap(),
        3,
        "s3 (idle but not revoked), s4, s5"
    );
    assert!(live("s4").await.is_none() && live("s5").await.is_none());

    // The absolute expiry wins over activity.
    store
        .create_session(&new("s6", 1), clock.now())
        .await
        .unwrap();
    for hours in [10, 20, 30] {
        clock.advance(Duration::hours(10));
        assert_eq!(live("s6").await.is_some(), hours < 24, "after {hours} h");
    }
}

async fn tokens_are_listed_revoked_by_their_owner_only_and_record_use(db: TestDb) {
    let store = db.store().await;
    let clock = clock();
    let dave = store
        .upsert_github_user(&profile(11, "dave"), clock.now())
        .await
        .unwrap();
    let erin = store
        .upsert_github_user(&profile(12, "erin"), clock.now())
        .await
        .unwrap();
    let scopes = vec!["submit".to_string()];
    let t1 = store
        .create_token(dave.id, "laptop", "h1", &scopes, None, clock.now())
        .await
        .unwrap();
    clock.advance(Duration::seconds(1));
    let t2 = store
        .create_token(dave.id, "ci", "h2", &scopes, None, clock.now())
        .await
        .unwrap();
    let listed = store.user_tokens(dave.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![t2.id, t1.id]
    );
    assert!(store.user_tokens(erin.id).await.unwrap().is_empty());

    // Someone else's token id is not revoked (and not told apart from a missing one).
    assert!(
        !store
            .revoke_user_token(erin.id, t1.id, clock.now())
            .await
            .unwrap()
    );
    assert!(
        store
            .authenticate("h1", clock.now())
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        store
            .revoke_user_token(dave.id, t1.id, clock.now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .revoke_user_token(dave.id, t1.id, clock.now())
            .await
            .unwrap()
    );
    assert!(
        store
            .authenticate("h1", clock.now())
            .await
            .unwrap()
            .is_none()
    );

    let (_, token) = store
        .authenticate("h2", clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (token.last_used_at, token.last_used_ip.clone()),
        (None, None)
    );
    store
        .touch_token(&token, "192.0.2.1", clock.now())
        .await
        .unwrap();
    let (_, used) = store
        .authenticate("h2", clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(used.last_used_at, Some(clock.now()));
    assert_eq!(used.last_used_ip.as_deref(), Some("192.0.2.1"));
    // Within the minute from the same address: no write. From another address: recorded.
    let first = clock.now();
    clock.advance(Duration::seconds(10));
    store
        .touch_token(&used, "192.0.2.1", clock.now())
        .await
        .unwrap();
    let (_, same) = store
        .authenticate("h2", clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(same.last_used_at, Some(first));
    store
        .touch_token(&same, "192.0.2.9", clock.now())
        .await
        .unwrap();
    let (_, moved) = store
        .authenticate("h2", clock.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(moved.last_used_at, Some(clock.now()));
    assert_eq!(moved.last_used_ip.as_deref(), Some("192.0.2.9"));
}

backend_tests!(
    oauth_states_work_once_and_expire,
    github_users_are_identified_by_id_and_follow_renames,
    sessions_expire_when_idle_or_old_and_can_be_revoked,
    tokens_are_listed_revoked_by_their_owner_only_and_record_use,
);
