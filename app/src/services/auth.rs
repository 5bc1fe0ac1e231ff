use super::audit_log::{self, Actor, Event};
use super::password;
use super::AppState;
use crate::db::session_store::{SessionUser, LOADED_KEYS, USER_ID_KEY as KEY_USER, USER_ROW_KEY};
use crate::db::{self, login_failures, users::UserRecord};
use crate::domain::audit_log::{action, Outcome};
use crate::domain::auth::validate_login;
use crate::error::AppError;
use crate::model::{CurrentUser, Viewer};
use std::net::IpAddr;
use tower_sessions::Session;

const KEY_LOGIN_AT: &str = "login_at";
const KEY_AUTH_VERSION: &str = "auth_v";
/// When this session was last used (written at most once a minute, see `note_activity`).
const KEY_SEEN: &str = "seen";

const SCOPE_ACCOUNT: &str = "account";
const SCOPE_IP: &str = "ip";

fn session_error(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store error");
    AppError::Internal
}

impl From<UserRecord> for CurrentUser {
    fn from(u: UserRecord) -> Self {
        SessionUser::from(u).into()
    }
}

impl From<SessionUser> for CurrentUser {
    fn from(u: SessionUser) -> Self {
        CurrentUser {
            id: u.id,
            role: db::users::role_of(&u.role),
            username: u.username,
            display_name: u.display_name,
            merchant_id: u.merchant_id,
            merchant_name: u.merchant_name,
        }
    }
}

/// The scopes an attempt counts against: the account, and the address when known.
fn attempt_scopes<'a>(
    state: &AppState,
    account: &'a str,
    ip: Option<&'a str>,
) -> Vec<(&'static str, &'a str, i64)> {
    let policy = state.settings.throttle;
    let mut scopes = vec![(SCOPE_ACCOUNT, account, policy.max_per_account)];
    if let Some(ip) = ip {
        scopes.push((SCOPE_IP, ip, policy.max_per_ip));
    }
    scopes
}

/// Reserves one attempt in every scope before the password is checked, atomically in the
/// database: a burst of parallel guesses gets at most the allowed number checked, across
/// instances too. A refused scope gives back what was reserved in the others.
async fn reserve_attempt(
    state: &AppState,
    account: &str,
    ip: Option<&str>,
) -> Result<(), AppError> {
    let window = state.settings.throttle.window_secs;
    let scopes = attempt_scopes(state, account, ip);
    for (i, (scope, key, max)) in scopes.iter().enumerate() {
        let now = db::now();
        if !login_failures::reserve(&state.db, scope, key, now, window, *max).await? {
            for (scope, key, _) in &scopes[..i] {
                login_failures::release(&state.db, scope, key).await?;
            }
            let start = login_failures::get(&state.db, scope, key)
                .await?
                .map_or(now, |(start, _)| start);
            return Err(AppError::Throttled {
                retry_after_secs: (start + window - now).max(1),
            });
        }
    }
    Ok(())
}

/// Gives the reserved attempt back in every scope (it was never checked).
async fn release_attempt(
    state: &AppState,
    account: &str,
    ip: Option<&str>,
) -> Result<(), AppError> {
    for (scope, key, _) in attempt_scopes(state, account, ip) {
        login_failures::release(&state.db, scope, key).await?;
    }
    Ok(())
}

async fn audit_login(
    state: &AppState,
    actor: Actor<'_>,
    act: &str,
    outcome: Outcome,
    detail: &str,
) -> Result<(), AppError> {
    let target = actor.name.to_string();
    audit_log::record(
        &state.db,
        actor,
        Event {
            action: act,
            target_type: "user",
            target_id: &target,
            merchant_id: None,
            outcome,
            detail,
        },
    )
    .await
}

/// Signs in: throttling, constant-cost password check, then a fresh session id.
pub async fn login(
    state: &AppState,
    session: &Session,
    username: &str,
    password: &str,
    ip: Option<IpAddr>,
) -> Result<CurrentUser, AppError> {
    validate_login(username, password)?;
    let username = username.trim();
    let account = username.to_lowercase();
    let ip = ip.map(|i| i.to_string());
    reserve_attempt(state, &account, ip.as_deref()).await?;

    let record = match db::users::find_by_username(&state.db, username).await {
        Ok(r) => r,
        Err(e) => {
            release_attempt(state, &account, ip.as_deref()).await?;
            return Err(e.into());
        }
    };
    let ok = match password::verify(
        &state.sign_in_hashing,
        password.to_string(),
        record.as_ref().map(|u| u.password_hash.clone()),
    )
    .await
    {
        Ok(ok) => ok,
        // Not checked (the server is at its hashing limit): the attempt does not count.
        Err(busy) => {
            release_attempt(state, &account, ip.as_deref()).await?;
            return Err(busy);
        }
    };
    let Some(user) = record.filter(|_| ok) else {
        let actor = Actor {
            id: None,
            name: username,
            role: None,
            merchant_id: None,
        };
        audit_login(
            state,
            actor,
            action::LOGIN_FAILED,
            Outcome::Failure,
            "bad_credentials",
        )
        .await?;
        return Err(AppError::BadCredentials);
    };
    // Told only after a correct password, so "disabled" is no oracle for guessing.
    if user.disabled != 0 {
        let cu = CurrentUser::from(user);
        audit_login(
            state,
            Actor::from(&cu),
            action::LOGIN_FAILED,
            Outcome::Failure,
            "disabled",
        )
        .await?;
        return Err(AppError::AccountDisabled);
    }
    login_failures::clear(&state.db, SCOPE_ACCOUNT, &account).await?;
    // A correct password is no failure of the address either.
    if let Some(ip) = ip.as_deref() {
        login_failures::release(&state.db, SCOPE_IP, ip).await?;
    }

    session.cycle_id().await.map_err(session_error)?;
    // What was read with the session belongs to whoever was signed in before.
    for key in LOADED_KEYS {
        session.remove_value(key).await.map_err(session_error)?;
    }
    session
        .insert(KEY_USER, user.id)
        .await
        .map_err(session_error)?;
    session
        .insert(KEY_LOGIN_AT, db::now())
        .await
        .map_err(session_error)?;
    session
        .insert(KEY_AUTH_VERSION, user.auth_version)
        .await
        .map_err(session_error)?;
    session
        .insert(KEY_SEEN, db::now())
        .await
        .map_err(session_error)?;
    db::users::touch_login(&state.db, user.id, db::now()).await?;
    let cu = CurrentUser::from(user);
    audit_login(state, Actor::from(&cu), action::LOGIN, Outcome::Success, "").await?;
    Ok(cu)
}

/// The user of this session, if it is still valid: not past the absolute lifetime, the user
/// not disabled, and nothing (password, role) changed since sign-in. Otherwise the session ends.
pub async fn current_user(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(uid) = session.get::<i64>(KEY_USER).await.map_err(session_error)? else {
        return Ok(None);
    };
    let login_at = session
        .get::<i64>(KEY_LOGIN_AT)
        .await
        .map_err(session_error)?
        .unwrap_or(0);
    let version = session
        .get::<i64>(KEY_AUTH_VERSION)
        .await
        .map_err(session_error)?;
    let fresh = db::now() - login_at < state.settings.session_absolute_secs;
    let user = if fresh {
        session_user(state, session, uid).await?
    } else {
        None
    };
    match user {
        Some(u) if u.disabled == 0 && Some(u.auth_version) == version => {
            note_activity(state, session, login_at).await?;
            Ok(Some(u.into()))
        }
        _ => {
            session.flush().await.map_err(session_error)?;
            Ok(None)
        }
    }
}

/// The session's user as the store read it with the session (`DbSessionStore::load`), or by
/// id when it did not (a session saved before the `user_id` column, or one signed in to within
/// this request).
async fn session_user(
    state: &AppState,
    session: &Session,
    uid: i64,
) -> Result<Option<SessionUser>, AppError> {
    let joined = session
        .get::<SessionUser>(USER_ROW_KEY)
        .await
        .map_err(session_error)?;
    if let Some(user) = joined.filter(|u| u.id == uid) {
        return Ok(Some(user));
    }
    Ok(db::users::find(&state.db, uid)
        .await?
        .map(SessionUser::from))
}

/// The idle timeout counts from the last use: tower-sessions saves (and so moves the
/// expiry of) only a modified session, so the session is touched once a minute of use
/// (`Settings::session_activity_secs`), not on every request.
async fn note_activity(state: &AppState, session: &Session, login_at: i64) -> Result<(), AppError> {
    let seen = session
        .get::<i64>(KEY_SEEN)
        .await
        .map_err(session_error)?
        .unwrap_or(login_at);
    let now = db::now();
    if now - seen >= state.settings.session_activity_secs {
        session.insert(KEY_SEEN, now).await.map_err(session_error)?;
    }
    Ok(())
}

/// Platform screens (tokens, callbacks, authorization) are for admins and operators.
pub fn require_staff(user: &CurrentUser) -> Result<(), AppError> {
    if user.role.sees_whole_fleet() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Whom a console page request was checked as, kept in the request's extensions by the page
/// guard: the layout renders the user from it, and the page's server functions ask for the
/// user several times per render; one lookup per request is enough (the sign-in state cannot
/// change within a GET).
#[derive(Clone, Debug)]
pub struct CheckedUser(pub CurrentUser);

/// The checked user's unread notifications, counted for the page routes only (the layout's
/// bell); files served under the same paths, such as a release's QR code, have no bell.
#[derive(Clone, Copy, Debug)]
pub struct PageUnread(pub i64);

/// Whom a page request was checked as, with the unread count the page routes' layer added
/// (none counted reads as 0: the bell counts again by itself); `None` off the page guard.
pub fn page_viewer(extensions: &http::Extensions) -> Option<Viewer> {
    let user = extensions.get::<CheckedUser>()?.0.clone();
    let unread = extensions.get::<PageUnread>().map_or(0, |u| u.0);
    Some(Viewer { user, unread })
}

pub async fn require_user(state: &AppState, session: &Session) -> Result<CurrentUser, AppError> {
    current_user(state, session)
        .await?
        .ok_or(AppError::Unauthenticated)
}

pub async fn logout(state: &AppState, session: &Session) -> Result<(), AppError> {
    if let Some(user) = current_user(state, session).await? {
        audit_login(
            state,
            Actor::from(&user),
            action::LOGOUT,
            Outcome::Success,
            "",
        )
        .await?;
    }
    session.flush().await.map_err(session_error)
}
