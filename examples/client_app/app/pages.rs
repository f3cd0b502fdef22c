//! The app's few pages, as plain HTML. Everything that comes from outside is escaped.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::Value;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .insert_header((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ))
        .body(format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:40rem;\
             margin:2rem auto;padding:0 1rem}}</style></head><body><h1>{title}</h1>{body}</body></html>",
            title = escape(title),
        ))
}

/// Not signed in; `why` says what ended the last session, if one did.
pub fn signed_out(why: Option<&str>) -> HttpResponse {
    let note = why.map_or_else(String::new, |why| {
        format!("<p id=\"ended\">{}</p>", escape(why))
    });
    page(
        StatusCode::OK,
        "Notes",
        &format!("{note}<p><a id=\"sign-in\" href=\"/login\">Sign in with Latchkey</a></p>"),
    )
}

pub fn dashboard(notes: &Value, account: &Value) -> HttpResponse {
    let items: String = notes["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|note| format!("<li>{}</li>", escape(note)))
        .collect();
    page(
        StatusCode::OK,
        "Notes",
        &format!(
            "<p id=\"user\">Signed in as user {}</p><ul id=\"notes\">{items}</ul>\
             <p id=\"account\">Account checked with {}</p>\
             <form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button></form>",
            escape(account["user"].as_str().unwrap_or_default()),
            escape(account["checked_with"].as_str().unwrap_or_default()),
        ),
    )
}

pub fn error(status: StatusCode, message: &str) -> HttpResponse {
    page(
        status,
        "Something went wrong",
        &format!("<p>{}</p><p><a href=\"/\">Back</a></p>", escape(message)),
    )
}
