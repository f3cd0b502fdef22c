//! The security events list.

use askama::Template;

use crate::domain::{BrowserSession, EventKind};
use crate::http::pages::{describe_event, when};
use crate::http::routes;
use crate::service::EventsPage;

pub struct EventRow {
    pub when: String,
    pub kind: &'static str,
    pub what: &'static str,
    pub user: String,
    pub client: String,
    pub ip: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "admin/events.html")]
pub struct AdminEventsPage {
    pub me: String,
    pub csrf: String,
    pub kinds: Vec<&'static str>,
    pub selected: String,
    pub rows: Vec<EventRow>,
    pub previous: Option<String>,
    pub next: Option<String>,
}

impl AdminEventsPage {
    pub fn new(session: &BrowserSession, page: &EventsPage, kind: Option<EventKind>) -> Self {
        let kind = kind.map(EventKind::as_str);
        let link = |number: i64| {
            let number = number.to_string();
            let mut pairs: Vec<(&str, &str)> =
                kind.map(|kind| ("kind", kind)).into_iter().collect();
            pairs.push(("page", &number));
            routes::with_query(routes::ADMIN_EVENTS, &pairs)
        };
        Self {
            me: session.user.username.to_string(),
            csrf: session.csrf.expose().to_owned(),
            kinds: EventKind::ALL.iter().map(|k| k.as_str()).collect(),
            selected: kind.unwrap_or_default().to_owned(),
            rows: page
                .events
                .iter()
                .map(|event| EventRow {
                    when: when(event.occurred_at),
                    kind: event.kind.as_str(),
                    what: describe_event(event.kind),
                    user: event.username.clone().unwrap_or_default(),
                    client: event.client_id.clone().unwrap_or_default(),
                    ip: event.ip.clone().unwrap_or_default(),
                    detail: event.detail.clone(),
                })
                .collect(),
            previous: (page.page > 1).then(|| link(page.page - 1)),
            next: page.has_next.then(|| link(page.page + 1)),
        }
    }
}
