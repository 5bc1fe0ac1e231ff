//! The SQL statements that requests for chosen paths ran, read from sqlx's `sqlx::query`
//! events under the server's per-request span (it names the path; sqlx's SQLite worker enters
//! its caller's span, PostgreSQL's statements run in the request's task). One recorder for the
//! whole test binary, installed by the first test that watches: the other tests' statements are
//! not even logged, since sqlx asks whether anyone listens before it formats one.

use std::sync::{Mutex, Once};
use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{span, Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

/// The request paths whose statements are recorded.
static WATCHED: Mutex<Vec<String>> = Mutex::new(Vec::new());
/// (request path, statement), in the order they finished.
static RAN: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Records the statements of the requests for exactly `path` from now on.
pub fn watch(path: &str) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(Recorder);
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber");
    });
    if let Ok(mut watched) = WATCHED.lock() {
        watched.push(path.to_string());
    }
}

/// The statements that requests for exactly `path` ran so far.
pub fn ran_for(path: &str) -> Vec<String> {
    RAN.lock()
        .map(|ran| {
            ran.iter()
                .filter(|(p, _)| p == path)
                .map(|(_, sql)| sql.clone())
                .collect()
        })
        .unwrap_or_default()
}

struct RequestPath(String);

/// A field's text, whether it was recorded as a string or through `Display`/`Debug`.
struct FieldText<'a> {
    names: &'a [&'a str],
    text: String,
}

impl Visit for FieldText<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if self.names.contains(&field.name()) {
            self.text.push_str(value);
            self.text.push(' ');
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if self.names.contains(&field.name()) {
            self.text.push_str(&format!("{value:?} "));
        }
    }
}

struct Recorder;

fn is_request(metadata: &Metadata<'_>) -> bool {
    metadata.is_span() && metadata.name() == "request"
}

fn is_statement(metadata: &Metadata<'_>) -> bool {
    metadata.target() == "sqlx::query"
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Recorder {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if is_request(metadata) || is_statement(metadata) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    /// Statements only inside a watched request (the span of one carries its path).
    fn enabled(&self, metadata: &Metadata<'_>, ctx: Context<'_, S>) -> bool {
        is_request(metadata)
            || (is_statement(metadata)
                && ctx.lookup_current().is_some_and(|span| {
                    span.scope()
                        .any(|s| s.extensions().get::<RequestPath>().is_some())
                }))
    }

    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        let mut path = FieldText {
            names: &["path"],
            text: String::new(),
        };
        attrs.record(&mut path);
        let path = path.text.trim_end().to_string();
        let watched = WATCHED.lock().is_ok_and(|w| w.contains(&path));
        if let (true, Some(span)) = (watched, ctx.span(id)) {
            span.extensions_mut().insert(RequestPath(path));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let Some(path) = ctx.event_scope(event).and_then(|scope| {
            scope
                .from_root()
                .find_map(|s| s.extensions().get::<RequestPath>().map(|p| p.0.clone()))
        }) else {
            return;
        };
        let mut sql = FieldText {
            names: &["summary", "db.statement"],
            text: String::new(),
        };
        event.record(&mut sql);
        if let Ok(mut ran) = RAN.lock() {
            ran.push((path, sql.text));
        }
    }
}
