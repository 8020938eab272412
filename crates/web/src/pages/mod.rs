//! HTML pages. Each handler builds a view model and renders it; [`Chrome`] carries what the
//! layout needs (language, user badge, navigation filtered by `authorize`).

pub mod about;
pub mod account;
pub mod admin;
pub mod errors;
pub mod health;
pub mod home;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebResult;
use crate::i18n::{Lang, Tr};
use crate::middleware::{Rendered, RequestCtx};
use argine_domain::access::{Action, Resource, authorize};
use askama::Template;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
}

pub struct LangChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the page layout needs.
pub struct Chrome {
    pub tr: Tr,
    pub instance: String,
    pub user_name: Option<String>,
    pub org_name: Option<String>,
    pub nav: Vec<NavItem>,
    pub path: String,
    pub langs: Vec<LangChoice>,
}

impl Chrome {
    pub fn anonymous(state: &AppState, ctx: &RequestCtx) -> Self {
        let mut c = Self { instance: state.config.instance_name.clone(), ..Self::anonymous_bare(ctx) };
        // The territory is public reference data, and so are the published open data.
        c.nav.push(NavItem {
            href: "/territorio",
            label: c.tr.t("nav-territory"),
            active: ctx.path.starts_with("/territorio"),
        });
        c.nav.push(open_data_item(&c.tr, ctx));
        c
    }

    /// Without application state (error pages rendered by middleware).
    pub fn anonymous_bare(ctx: &RequestCtx) -> Self {
        Self {
            tr: Tr::new(ctx.lang),
            instance: "argine".to_owned(),
            user_name: None,
            org_name: None,
            nav: Vec::new(),
            path: ctx.path.clone(),
            langs: Lang::ALL
                .iter()
                .map(|l| LangChoice {
                    code: l.code(),
                    label: match l {
                        Lang::It => "Italiano",
                        Lang::En => "English",
                    },
                    current: *l == ctx.lang,
                })
                .collect(),
        }
    }

    pub fn for_user(state: &AppState, ctx: &RequestCtx, user: &CurrentUser) -> Self {
        let mut c = Self { instance: state.config.instance_name.clone(), ..Self::anonymous_bare(ctx) };
        c.user_name = Some(user.user.display_name.clone());
        c.org_name = Some(user.org.name.clone());
        let a = &user.actor;
        let items: [(&'static str, &'static str, Action, Resource); 12] = [
            ("/", "nav-home", Action::ViewDashboard, Resource::System),
            ("/rete/organizzazioni", "nav-network", Action::ViewOrganisations, Resource::Organisations),
            ("/censimento/questionari", "nav-census", Action::ViewCensus, Resource::Census),
            ("/rapporti", "nav-reports", Action::ViewCensus, Resource::Census),
            ("/insediamenti", "nav-settlements", Action::ViewSettlements, Resource::Settlements),
            ("/casi", "nav-cases", Action::ViewCases, Resource::Cases),
            ("/servizi", "nav-services", Action::ViewServices, Resource::FieldWork),
            ("/uscite", "nav-outreach", Action::ViewOutreach, Resource::FieldWork),
            ("/territori/priorita", "nav-priority", Action::ViewCensus, Resource::Census),
            ("/admin/utenti", "nav-users", Action::ViewUsers, Resource::Users),
            ("/admin/audit", "nav-audit", Action::ViewAuditLog, Resource::AuditLog),
            ("/admin/job", "nav-jobs", Action::ViewJobs, Resource::JobQueue),
        ];
        for (href, key, action, res) in items {
            if authorize(a, action, &res).is_allowed() {
                let active = match href {
                    "/" => ctx.path == "/",
                    "/rete/organizzazioni" => ctx.path.starts_with("/rete"),
                    "/censimento/questionari" => ctx.path.starts_with("/censimento"),
                    "/territori/priorita" => ctx.path.starts_with("/territori/"),
                    _ => ctx.path.starts_with(href),
                };
                c.nav.push(NavItem { href, label: c.tr.t(key), active });
            }
            if href == "/" {
                c.nav.push(NavItem {
                    href: "/territorio",
                    label: c.tr.t("nav-territory"),
                    active: ctx.path.starts_with("/territorio"),
                });
            }
        }
        c.nav.push(open_data_item(&c.tr, ctx));
        c
    }
}

fn open_data_item(tr: &Tr, ctx: &RequestCtx) -> NavItem {
    NavItem { href: "/dati-aperti", label: tr.t("nav-open-data"), active: ctx.path.starts_with("/dati-aperti") }
}

/// Renders a template into a response marked as already rendered.
pub fn render(t: impl Template) -> WebResult<Response> {
    let body = t.render()?;
    let mut res = Html(body).into_response();
    res.extensions_mut().insert(Rendered);
    res.headers_mut().insert(header::VARY, header::HeaderValue::from_static("Cookie, Accept-Language"));
    Ok(res)
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    title: String,
    body: String,
    link: Option<(&'static str, String)>,
}

/// A simple page with a title, a paragraph and an optional link.
pub fn message(
    state: &AppState,
    ctx: &RequestCtx,
    title_id: &str,
    body_id: &str,
    link: Option<(&'static str, &str)>,
) -> WebResult<Response> {
    message_text(state, ctx, title_id, Tr::new(ctx.lang).t(body_id), link)
}

/// Like [`message`], with a body already translated (it has arguments).
pub fn message_text(
    state: &AppState,
    ctx: &RequestCtx,
    title_id: &str,
    body: String,
    link: Option<(&'static str, &str)>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    render(MessagePage {
        chrome: Chrome::anonymous(state, ctx),
        title: tr.t(title_id),
        body,
        link: link.map(|(href, id)| (href, tr.t(id))),
    })
}
