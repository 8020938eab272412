//! Protocols and agreements: what, where, when, who signed, and the signed documents.

use super::form::{date, field, pairs};
use super::orgs::audit_write;
use super::{
    Choice, Tab, org_resource, place_suggestions, protocol_resource, resolve_place, tabs, unit_input, unit_jurisdiction,
};
use crate::AppState;
use crate::auth::{CurrentUser, check};
use crate::error::{WebError, WebResult};
use crate::i18n::Tr;
use crate::middleware::RequestCtx;
use crate::pages::{Chrome, render};
use argine_domain::access::{Action, Resource, authorize};
use argine_domain::network::{PartyRole, ProtocolKind, Validity};
use argine_domain::territory::TerritoryUnit;
use argine_storage::StorageError;
use argine_storage::network::{self, NewProtocol, Party, Protocol};
use argine_storage::orgs;
use askama::Template;
use axum::extract::{Multipart, Path, RawForm, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

#[derive(Default, Clone)]
pub struct ProtocolDraft {
    pub title: String,
    pub kind: String,
    pub place: String,
    pub summary: String,
    pub signed_on: String,
    pub valid_from: String,
    pub valid_until: String,
}

impl ProtocolDraft {
    fn from_pairs(p: &[(String, String)]) -> Self {
        Self {
            title: field(p, "title"),
            kind: field(p, "kind"),
            place: field(p, "place"),
            summary: field(p, "summary"),
            signed_on: field(p, "signed_on"),
            valid_from: field(p, "valid_from"),
            valid_until: field(p, "valid_until"),
        }
    }

    fn of(state: &AppState, tr: &Tr, p: &Protocol) -> Self {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Self {
            title: p.title.clone(),
            kind: p.kind.code().into(),
            place: unit_input(&state.territory(), tr, p.unit.as_deref()),
            summary: p.summary.clone(),
            signed_on: s(&p.signed_on),
            valid_from: s(&p.valid_from),
            valid_until: s(&p.valid_until),
        }
    }
}

struct ValidProtocol {
    title: String,
    kind: ProtocolKind,
    unit: Option<TerritoryUnit>,
    summary: String,
    signed_on: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

fn validate(state: &AppState, tr: &Tr, d: &ProtocolDraft) -> Result<ValidProtocol, Vec<String>> {
    let mut errors = Vec::new();
    let title = d.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() || title.chars().count() > 300 {
        errors.push(tr.t("form-error-title"));
    }
    let kind = ProtocolKind::from_code(&d.kind);
    if kind.is_none() {
        errors.push(tr.t("form-error-kind"));
    }
    let unit = resolve_place(&state.territory(), &d.place).unwrap_or_else(|e| {
        errors.push(e.message(tr));
        None
    });
    let mut dates = [None, None, None];
    for (i, (v, key)) in
        [(&d.signed_on, "field-signed-on"), (&d.valid_from, "field-valid-from"), (&d.valid_until, "field-valid-until")]
            .into_iter()
            .enumerate()
    {
        match date(v) {
            Ok(x) => dates[i] = x,
            Err(()) => errors.push(tr.t1("form-error-date-field", "field", tr.t(key))),
        }
    }
    let [signed_on, valid_from, valid_until] = dates;
    if let (Some(f), Some(u)) = (&valid_from, &valid_until)
        && u < f
    {
        errors.push(tr.t("form-error-date-order"));
    }
    match (errors.is_empty(), kind) {
        (true, Some(kind)) => Ok(ValidProtocol {
            title,
            kind,
            unit,
            summary: d.summary.trim().to_owned(),
            signed_on,
            valid_from,
            valid_until,
        }),
        _ => Err(errors),
    }
}

pub struct ProtocolRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub place: String,
    pub signed_on: String,
    pub validity: String,
    pub validity_code: &'static str,
    pub parties: usize,
}

#[derive(Template)]
#[template(path = "network/protocols.html")]
struct ListPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    protocols: Vec<ProtocolRow>,
    can_create: bool,
    form: ProtocolDraft,
    kinds: Vec<Choice>,
    suggestions: Vec<String>,
    errors: Vec<String>,
}

fn today() -> String {
    argine_domain::calendar::rome_now()[..10].to_owned()
}

fn validity(p: &Protocol) -> Validity {
    Validity::on(&today(), p.valid_from.as_deref().or(p.signed_on.as_deref()), p.valid_until.as_deref())
}

fn place_label(state: &AppState, tr: &Tr, unit: Option<&str>) -> String {
    match unit.and_then(TerritoryUnit::parse) {
        Some(u) => super::unit_label(&state.territory(), tr, &u),
        None => tr.t("jurisdiction-national"),
    }
}

fn new_here(user: &CurrentUser) -> Resource {
    Resource::Protocol { id: 0, jurisdiction: user.actor.jurisdiction.clone(), parties: Vec::new() }
}

async fn list_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    form: ProtocolDraft,
    errors: Vec<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let rows = network::protocols(&mut conn)
        .await?
        .into_iter()
        .filter(|p| authorize(&user.actor, Action::ViewProtocols, &protocol_resource(p)).is_allowed())
        .map(|p| {
            let v = validity(&p);
            ProtocolRow {
                id: p.id,
                kind: tr.t(&p.kind.label_key()),
                place: place_label(state, &tr, p.unit.as_deref()),
                signed_on: p.signed_on.as_deref().map(|d| tr.date(d)).unwrap_or_default(),
                validity: tr.t(&format!("validity-{}", v.code().replace('_', "-"))),
                validity_code: v.code(),
                parties: p.parties.len(),
                title: p.title,
            }
        })
        .collect();
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut res = render(ListPage {
        chrome: Chrome::for_user(state, ctx, user),
        tabs: tabs(&tr, &ctx.path),
        protocols: rows,
        can_create: authorize(&user.actor, Action::ManageNetwork, &new_here(user)).is_allowed(),
        kinds: Choice::list(ProtocolKind::ALL, ProtocolKind::code, |k| tr.t(&k.label_key()), &form.kind),
        suggestions: place_suggestions(&state.territory()),
        form,
        errors,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn list(State(state): State<AppState>, ctx: RequestCtx, user: CurrentUser) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ViewProtocols, &Resource::Network).await?;
    list_page(&state, &ctx, &user, ProtocolDraft::default(), Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &Resource::Network).await?;
    let tr = Tr::new(ctx.lang);
    let draft = ProtocolDraft::from_pairs(&pairs(&body));
    let v = match validate(&state, &tr, &draft) {
        Ok(v) => v,
        Err(errors) => return list_page(&state, &ctx, &user, draft, errors).await,
    };
    let unit = v.unit.as_ref().map(TerritoryUnit::to_key);
    let res = Resource::Protocol { id: 0, jurisdiction: unit_jurisdiction(unit.as_deref()), parties: Vec::new() };
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &res).await?;
    let mut tx = state.db.begin().await?;
    let id = network::create_protocol(&mut tx, &new_protocol(&v, unit.as_deref()), user.user.id).await?;
    audit_write(&mut tx, &user, &ctx, "protocol.create", ("protocol", id), json!({"kind": v.kind.code()})).await?;
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/rete/protocolli/{id}")).into_response())
}

fn new_protocol<'a>(v: &'a ValidProtocol, unit: Option<&'a str>) -> NewProtocol<'a> {
    NewProtocol {
        title: &v.title,
        kind: v.kind,
        unit,
        summary: &v.summary,
        signed_on: v.signed_on.as_deref(),
        valid_from: v.valid_from.as_deref(),
        valid_until: v.valid_until.as_deref(),
    }
}

pub struct PartyView {
    pub org_id: i64,
    pub org_name: String,
    pub role: String,
    pub signatory: String,
    pub signed_on: String,
}

pub struct DocumentView {
    pub id: i64,
    pub filename: String,
    pub size: String,
    pub uploaded: String,
    pub sha256: String,
}

#[derive(Template)]
#[template(path = "network/protocol.html")]
struct DetailPage {
    chrome: Chrome,
    tabs: Vec<Tab>,
    id: i64,
    title: String,
    kind: String,
    place: String,
    summary: String,
    signed_on: String,
    valid_from: String,
    valid_until: String,
    validity: String,
    validity_code: &'static str,
    parties: Vec<PartyView>,
    documents: Vec<DocumentView>,
    can_edit: bool,
    form: ProtocolDraft,
    kinds: Vec<Choice>,
    suggestions: Vec<String>,
    orgs: Vec<Choice>,
    roles: Vec<Choice>,
    max_upload_mb: usize,
    errors: Vec<String>,
    message: Option<String>,
}

async fn load(state: &AppState, id: i64) -> WebResult<Protocol> {
    let mut conn = state.db.pool().acquire().await?;
    network::protocol(&mut conn, id).await.map_err(|e| match e {
        StorageError::NotFound => WebError::NotFound,
        e => e.into(),
    })
}

pub fn size_text(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        #[expect(clippy::cast_precision_loss, reason = "display only")]
        let mb = bytes as f64 / 1_048_576.0;
        format!("{mb:.1} MB")
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

async fn detail_page(
    state: &AppState,
    ctx: &RequestCtx,
    user: &CurrentUser,
    p: &Protocol,
    form: Option<ProtocolDraft>,
    errors: Vec<String>,
    message: Option<String>,
) -> WebResult<Response> {
    let tr = Tr::new(ctx.lang);
    let mut conn = state.db.pool().acquire().await?;
    let docs = network::documents_of(&mut conn, ("protocol", p.id)).await?;
    drop(conn);
    let can_edit = authorize(&user.actor, Action::ManageNetwork, &protocol_resource(p)).is_allowed();
    let orgs = if can_edit {
        orgs::list(&state.db)
            .await?
            .into_iter()
            .filter(|o| authorize(&user.actor, Action::ViewOrganisations, &org_resource(o)).is_allowed())
            .map(|o| Choice { value: o.id.to_string(), label: o.name, selected: false })
            .collect()
    } else {
        Vec::new()
    };
    let v = validity(p);
    let status =
        if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let form = form.unwrap_or_else(|| ProtocolDraft::of(state, &tr, p));
    let d = |x: &Option<String>| x.as_deref().map(|d| tr.date(d)).unwrap_or_default();
    let mut res = render(DetailPage {
        tabs: tabs(&tr, &ctx.path),
        id: p.id,
        title: p.title.clone(),
        kind: tr.t(&p.kind.label_key()),
        place: place_label(state, &tr, p.unit.as_deref()),
        summary: p.summary.clone(),
        signed_on: d(&p.signed_on),
        valid_from: d(&p.valid_from),
        valid_until: d(&p.valid_until),
        validity: tr.t(&format!("validity-{}", v.code().replace('_', "-"))),
        validity_code: v.code(),
        parties: p
            .parties
            .iter()
            .map(|x| PartyView {
                org_id: x.org_id,
                org_name: x.org_name.clone(),
                role: tr.t(&x.role.label_key()),
                signatory: [x.signatory_name.as_str(), x.signatory_title.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(", "),
                signed_on: d(&x.signed_on),
            })
            .collect(),
        documents: docs
            .into_iter()
            .map(|x| DocumentView {
                id: x.id,
                size: size_text(x.size),
                uploaded: tr.datetime(x.uploaded_at),
                sha256: x.sha256,
                filename: x.filename,
            })
            .collect(),
        can_edit,
        kinds: Choice::list(ProtocolKind::ALL, ProtocolKind::code, |k| tr.t(&k.label_key()), &form.kind),
        suggestions: place_suggestions(&state.territory()),
        form,
        orgs,
        roles: Choice::list(PartyRole::ALL, PartyRole::code, |r| tr.t(&r.label_key()), "signatory"),
        max_upload_mb: state.config.max_upload_bytes / (1024 * 1024),
        chrome: Chrome::for_user(state, ctx, user),
        errors,
        message,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let p = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ViewProtocols, &protocol_resource(&p)).await?;
    detail_page(&state, &ctx, &user, &p, None, Vec::new(), None).await
}

/// `op`: `update`, `add_party`, `remove_party`, `delete_document`.
pub async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> WebResult<Response> {
    let p = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &protocol_resource(&p)).await?;
    let tr = Tr::new(ctx.lang);
    let f = pairs(&body);
    let mut tx = state.db.begin().await?;
    match field(&f, "op").as_str() {
        "update" => {
            let draft = ProtocolDraft::from_pairs(&f);
            let v = match validate(&state, &tr, &draft) {
                Ok(v) => v,
                Err(errors) => {
                    drop(tx);
                    return detail_page(&state, &ctx, &user, &p, Some(draft), errors, None).await;
                }
            };
            let unit = v.unit.as_ref().map(TerritoryUnit::to_key);
            let moved = Resource::Protocol {
                id,
                jurisdiction: unit_jurisdiction(unit.as_deref()),
                parties: p.parties.iter().map(|x| x.org_id).collect(),
            };
            check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &moved).await?;
            network::update_protocol(&mut tx, id, &new_protocol(&v, unit.as_deref())).await?;
            audit_write(&mut tx, &user, &ctx, "protocol.update", ("protocol", id), json!({})).await?;
        }
        "add_party" => {
            let org_id: i64 = field(&f, "org").parse().map_err(|_| WebError::BadRequest("org"))?;
            let role = PartyRole::from_code(&field(&f, "role")).ok_or(WebError::BadRequest("role"))?;
            let signed_on = match date(&field(&f, "party_signed_on")) {
                Ok(d) => d,
                Err(()) => {
                    drop(tx);
                    let e = vec![tr.t1("form-error-date-field", "field", tr.t("field-signed-on"))];
                    return detail_page(&state, &ctx, &user, &p, None, e, None).await;
                }
            };
            orgs::get(&mut tx, org_id).await.map_err(|_| WebError::BadRequest("org"))?;
            let party = Party {
                org_id,
                org_name: String::new(),
                role,
                signatory_name: field(&f, "signatory_name"),
                signatory_title: field(&f, "signatory_title"),
                signed_on,
            };
            network::set_party(&mut tx, id, &party).await?;
            audit_write(
                &mut tx,
                &user,
                &ctx,
                "protocol.party",
                ("protocol", id),
                json!({"org": org_id, "role": role.code()}),
            )
            .await?;
        }
        "remove_party" => {
            let org_id: i64 = field(&f, "org").parse().map_err(|_| WebError::BadRequest("org"))?;
            network::remove_party(&mut tx, id, org_id).await.map_err(|_| WebError::NotFound)?;
            audit_write(&mut tx, &user, &ctx, "protocol.party_removed", ("protocol", id), json!({"org": org_id}))
                .await?;
        }
        "delete_document" => {
            let doc: i64 = field(&f, "document").parse().map_err(|_| WebError::BadRequest("document"))?;
            let d = network::document(&mut tx, doc).await.map_err(|_| WebError::NotFound)?;
            if d.owner_type != "protocol" || d.owner_id != id {
                return Err(WebError::NotFound);
            }
            network::delete_document(&mut tx, doc).await?;
            audit_write(
                &mut tx,
                &user,
                &ctx,
                "document.delete",
                ("document", doc),
                json!({"sha256": d.sha256, "file": d.filename}),
            )
            .await?;
        }
        _ => return Err(WebError::BadRequest("op")),
    }
    tx.commit().await.map_err(StorageError::from)?;
    Ok(Redirect::to(&format!("/rete/protocolli/{id}")).into_response())
}

/// What a document upload may be: PDF (the signed act), signed PDF/P7M, office documents, images.
/// Recognised by content, not by the name the browser sends.
pub fn sniff(bytes: &[u8], filename: &str) -> Option<&'static str> {
    let lower = filename.to_ascii_lowercase();
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"PK\x03\x04") {
        if lower.ends_with(".docx") {
            Some("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        } else if lower.ends_with(".xlsx") {
            Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        } else if lower.ends_with(".odt") {
            Some("application/vnd.oasis.opendocument.text")
        } else if lower.ends_with(".ods") {
            Some("application/vnd.oasis.opendocument.spreadsheet")
        } else {
            None
        }
    } else if bytes.starts_with(&[0x30, 0x80]) || (bytes.starts_with(&[0x30, 0x82]) && lower.ends_with(".p7m")) {
        // CAdES (.p7m): a DER/BER-encoded signed envelope, the usual form of a signed act in Italy.
        Some("application/pkcs7-mime")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

pub async fn upload_document(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
    mp: Multipart,
) -> WebResult<Response> {
    let p = load(&state, id).await?;
    check(&state, &ctx, &user.actor, user.label(), Action::ManageNetwork, &protocol_resource(&p)).await?;
    let tr = Tr::new(ctx.lang);
    let Some((filename, bytes)) = super::import::read_upload(mp, "file").await? else {
        return detail_page(&state, &ctx, &user, &p, None, vec![tr.t("import-error-no-file")], None).await;
    };
    let Some(content_type) = sniff(&bytes, &filename) else {
        return detail_page(&state, &ctx, &user, &p, None, vec![tr.t1("document-error-type", "file", &filename)], None)
            .await;
    };
    let name = if filename.is_empty() { "documento".to_owned() } else { filename };
    let mut tx = state.db.begin().await?;
    let doc = network::add_document(&mut tx, ("protocol", id), &name, content_type, &bytes, user.user.id).await?;
    audit_write(
        &mut tx,
        &user,
        &ctx,
        "document.upload",
        ("document", doc),
        json!({"protocol": id, "type": content_type, "size": bytes.len()}),
    )
    .await?;
    tx.commit().await.map_err(StorageError::from)?;
    let msg = Some(tr.t1("document-uploaded", "file", &name));
    detail_page(&state, &ctx, &user, &p, None, Vec::new(), msg).await
}

/// Downloads a document; who may read it follows the record it belongs to.
pub async fn download(
    State(state): State<AppState>,
    ctx: RequestCtx,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let d = network::document(&mut conn, id).await.map_err(|_| WebError::NotFound)?;
    drop(conn);
    match d.owner_type.as_str() {
        "protocol" => {
            let p = load(&state, d.owner_id).await?;
            check(&state, &ctx, &user.actor, user.label(), Action::ViewProtocols, &protocol_resource(&p)).await?;
        }
        _ => return Err(WebError::NotFound),
    }
    let mut conn = state.db.pool().acquire().await?;
    let bytes = network::document_content(&mut conn, id).await?;
    let ascii: String =
        d.filename.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{}", urlencode(&d.filename));
    Ok((
        [
            (header::CONTENT_TYPE, d.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}
