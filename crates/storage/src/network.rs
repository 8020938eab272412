//! The network around the organisations: their people, protocols and agreements with parties
//! and documents, working groups with members, meetings, attendance, minutes and decisions.
//!
//! Functions take a connection (or transaction) so that callers write the audit entry in the
//! same transaction as the change.

use crate::{Result, StorageError, flag, now};
use argine_domain::network::{Attendance, DecisionStatus, GroupKind, MemberRole, PartyRole, ProtocolKind};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, FromRow};

fn corrupt(what: &str, id: i64) -> StorageError {
    StorageError::Corrupt(format!("{what} {id} has an unknown code"))
}

// ---------------------------------------------------------------------------------------------
// People

#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct Person {
    pub id: i64,
    pub org_id: i64,
    pub full_name: String,
    pub role_title: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[serde(skip)]
    pub active: i64,
}

impl Person {
    pub fn is_active(&self) -> bool {
        flag(self.active)
    }
}

pub struct NewPerson<'a> {
    pub org_id: i64,
    pub full_name: &'a str,
    pub role_title: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
}

pub async fn add_person(conn: &mut AnyConnection, p: &NewPerson<'_>) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO network_people (org_id, full_name, role_title, email, phone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(p.org_id)
    .bind(p.full_name)
    .bind(p.role_title)
    .bind(p.email)
    .bind(p.phone)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Marks a person as no longer with the organisation (kept for the history of meetings).
pub async fn set_person_active(conn: &mut AnyConnection, org_id: i64, id: i64, active: bool) -> Result<()> {
    let r = sqlx::query("UPDATE network_people SET active = $1, updated_at = $2 WHERE id = $3 AND org_id = $4")
        .bind(i64::from(active))
        .bind(now())
        .bind(id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

pub async fn people_of(conn: &mut AnyConnection, org_id: i64) -> Result<Vec<Person>> {
    Ok(sqlx::query_as(
        "SELECT id, org_id, full_name, role_title, email, phone, active FROM network_people
         WHERE org_id = $1 ORDER BY active DESC, full_name",
    )
    .bind(org_id)
    .fetch_all(&mut *conn)
    .await?)
}

// ---------------------------------------------------------------------------------------------
// Protocols

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Protocol {
    pub id: i64,
    pub title: String,
    pub kind: ProtocolKind,
    /// Territory unit key (`provincia:020`); `None` = national.
    pub unit: Option<String>,
    pub summary: String,
    pub signed_on: Option<String>,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    pub parties: Vec<Party>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub org_id: i64,
    pub org_name: String,
    pub role: PartyRole,
    pub signatory_name: String,
    pub signatory_title: String,
    pub signed_on: Option<String>,
}

#[derive(FromRow)]
struct ProtocolRow {
    id: i64,
    title: String,
    kind: String,
    unit: Option<String>,
    summary: String,
    signed_on: Option<String>,
    valid_from: Option<String>,
    valid_until: Option<String>,
}

pub struct NewProtocol<'a> {
    pub title: &'a str,
    pub kind: ProtocolKind,
    pub unit: Option<&'a str>,
    pub summary: &'a str,
    pub signed_on: Option<&'a str>,
    pub valid_from: Option<&'a str>,
    pub valid_until: Option<&'a str>,
}

pub async fn create_protocol(conn: &mut AnyConnection, p: &NewProtocol<'_>, by: i64) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO protocols (title, kind, unit, summary, signed_on, valid_from, valid_until, created_by,
                                created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(p.title)
    .bind(p.kind.code())
    .bind(p.unit)
    .bind(p.summary)
    .bind(p.signed_on)
    .bind(p.valid_from)
    .bind(p.valid_until)
    .bind(by)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn update_protocol(conn: &mut AnyConnection, id: i64, p: &NewProtocol<'_>) -> Result<()> {
    let r = sqlx::query(
        "UPDATE protocols SET title = $1, kind = $2, unit = $3, summary = $4, signed_on = $5, valid_from = $6,
                valid_until = $7, updated_at = $8 WHERE id = $9",
    )
    .bind(p.title)
    .bind(p.kind.code())
    .bind(p.unit)
    .bind(p.summary)
    .bind(p.signed_on)
    .bind(p.valid_from)
    .bind(p.valid_until)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Adds a party or changes its role and signature.
pub async fn set_party(conn: &mut AnyConnection, protocol_id: i64, p: &Party) -> Result<()> {
    sqlx::query(
        "INSERT INTO protocol_parties (protocol_id, org_id, role, signatory_name, signatory_title, signed_on)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (protocol_id, org_id) DO UPDATE SET role = excluded.role,
            signatory_name = excluded.signatory_name, signatory_title = excluded.signatory_title,
            signed_on = excluded.signed_on",
    )
    .bind(protocol_id)
    .bind(p.org_id)
    .bind(p.role.code())
    .bind(&p.signatory_name)
    .bind(&p.signatory_title)
    .bind(&p.signed_on)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn remove_party(conn: &mut AnyConnection, protocol_id: i64, org_id: i64) -> Result<()> {
    let r = sqlx::query("DELETE FROM protocol_parties WHERE protocol_id = $1 AND org_id = $2")
        .bind(protocol_id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

#[derive(FromRow)]
struct PartyRow {
    protocol_id: i64,
    org_id: i64,
    org_name: String,
    role: String,
    signatory_name: String,
    signatory_title: String,
    signed_on: Option<String>,
}

const PROTOCOL_COLUMNS: &str =
    "SELECT id, title, kind, unit, summary, signed_on, valid_from, valid_until FROM protocols";

async fn hydrate_protocols(conn: &mut AnyConnection, rows: Vec<ProtocolRow>) -> Result<Vec<Protocol>> {
    let parties: Vec<PartyRow> = sqlx::query_as(
        "SELECT p.protocol_id, p.org_id, o.name AS org_name, p.role, p.signatory_name, p.signatory_title, p.signed_on
         FROM protocol_parties p JOIN organisations o ON o.id = p.org_id ORDER BY o.name",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let kind = ProtocolKind::from_code(&r.kind).ok_or_else(|| corrupt("protocol", r.id))?;
            let parties = parties
                .iter()
                .filter(|p| p.protocol_id == r.id)
                .map(|p| {
                    Ok(Party {
                        org_id: p.org_id,
                        org_name: p.org_name.clone(),
                        role: PartyRole::from_code(&p.role).ok_or_else(|| corrupt("protocol", r.id))?,
                        signatory_name: p.signatory_name.clone(),
                        signatory_title: p.signatory_title.clone(),
                        signed_on: p.signed_on.clone(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            Ok(Protocol {
                id: r.id,
                title: r.title,
                kind,
                unit: r.unit,
                summary: r.summary,
                signed_on: r.signed_on,
                valid_from: r.valid_from,
                valid_until: r.valid_until,
                parties,
            })
        })
        .collect()
}

pub async fn protocol(conn: &mut AnyConnection, id: i64) -> Result<Protocol> {
    let row: ProtocolRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{PROTOCOL_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    hydrate_protocols(conn, vec![row]).await?.pop().ok_or(StorageError::NotFound)
}

/// All protocols, newest signature first.
pub async fn protocols(conn: &mut AnyConnection) -> Result<Vec<Protocol>> {
    let rows: Vec<ProtocolRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PROTOCOL_COLUMNS} ORDER BY COALESCE(signed_on, valid_from, '') DESC, title"
    )))
    .fetch_all(&mut *conn)
    .await?;
    hydrate_protocols(conn, rows).await
}

// ---------------------------------------------------------------------------------------------
// Documents

#[derive(Debug, Clone, PartialEq, Eq, FromRow, serde::Serialize)]
pub struct Document {
    pub id: i64,
    pub owner_type: String,
    pub owner_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: i64,
}

pub async fn add_document(
    conn: &mut AnyConnection,
    owner: (&str, i64),
    filename: &str,
    content_type: &str,
    content: &[u8],
    by: i64,
) -> Result<i64> {
    let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(content));
    let size = i64::try_from(content.len()).map_err(|_| StorageError::Corrupt("document too large".into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO documents (owner_type, owner_id, filename, content_type, size, sha256, content, uploaded_by,
                                uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(owner.0)
    .bind(owner.1)
    .bind(filename)
    .bind(content_type)
    .bind(size)
    .bind(sha)
    .bind(content)
    .bind(by)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

const DOCUMENT_COLUMNS: &str =
    "SELECT id, owner_type, owner_id, filename, content_type, size, sha256, uploaded_at FROM documents";

pub async fn documents_of(conn: &mut AnyConnection, owner: (&str, i64)) -> Result<Vec<Document>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{DOCUMENT_COLUMNS} WHERE owner_type = $1 AND owner_id = $2 ORDER BY uploaded_at, id"
    )))
    .bind(owner.0)
    .bind(owner.1)
    .fetch_all(&mut *conn)
    .await?)
}

pub async fn document(conn: &mut AnyConnection, id: i64) -> Result<Document> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!("{DOCUMENT_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?)
}

pub async fn document_content(conn: &mut AnyConnection, id: i64) -> Result<Vec<u8>> {
    let (bytes,): (Vec<u8>,) =
        sqlx::query_as("SELECT content FROM documents WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    Ok(bytes)
}

pub async fn delete_document(conn: &mut AnyConnection, id: i64) -> Result<()> {
    let r = sqlx::query("DELETE FROM documents WHERE id = $1").bind(id).execute(&mut *conn).await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

// ---------------------------------------------------------------------------------------------
// Working groups

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingGroup {
    pub id: i64,
    pub name: String,
    pub kind: GroupKind,
    pub unit: Option<String>,
    pub lead_org_id: Option<i64>,
    pub description: String,
    pub members: Vec<Member>,
}

impl WorkingGroup {
    pub fn member_ids(&self) -> Vec<i64> {
        self.members.iter().map(|m| m.org_id).collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub org_id: i64,
    pub org_name: String,
    pub role: MemberRole,
    pub delegate: String,
}

#[derive(FromRow)]
struct GroupRow {
    id: i64,
    name: String,
    kind: String,
    unit: Option<String>,
    lead_org_id: Option<i64>,
    description: String,
}

#[derive(FromRow)]
struct MemberRow {
    group_id: i64,
    org_id: i64,
    org_name: String,
    role: String,
    delegate: String,
}

pub struct NewGroup<'a> {
    pub name: &'a str,
    pub kind: GroupKind,
    pub unit: Option<&'a str>,
    pub lead_org_id: Option<i64>,
    pub description: &'a str,
}

pub async fn create_group(conn: &mut AnyConnection, g: &NewGroup<'_>) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO working_groups (name, kind, unit, lead_org_id, description, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(g.name)
    .bind(g.kind.code())
    .bind(g.unit)
    .bind(g.lead_org_id)
    .bind(g.description)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    // The lead organisation chairs the group unless told otherwise.
    if let Some(lead) = g.lead_org_id {
        set_member(conn, id, lead, MemberRole::Chair, "").await?;
    }
    Ok(id)
}

pub async fn update_group(conn: &mut AnyConnection, id: i64, g: &NewGroup<'_>) -> Result<()> {
    let r = sqlx::query(
        "UPDATE working_groups SET name = $1, kind = $2, unit = $3, lead_org_id = $4, description = $5,
                updated_at = $6 WHERE id = $7",
    )
    .bind(g.name)
    .bind(g.kind.code())
    .bind(g.unit)
    .bind(g.lead_org_id)
    .bind(g.description)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

pub async fn set_member(
    conn: &mut AnyConnection,
    group_id: i64,
    org_id: i64,
    role: MemberRole,
    delegate: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO group_members (group_id, org_id, role, delegate) VALUES ($1, $2, $3, $4)
         ON CONFLICT (group_id, org_id) DO UPDATE SET role = excluded.role, delegate = excluded.delegate",
    )
    .bind(group_id)
    .bind(org_id)
    .bind(role.code())
    .bind(delegate)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn remove_member(conn: &mut AnyConnection, group_id: i64, org_id: i64) -> Result<()> {
    let r = sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND org_id = $2")
        .bind(group_id)
        .bind(org_id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

const GROUP_COLUMNS: &str = "SELECT id, name, kind, unit, lead_org_id, description FROM working_groups";

async fn hydrate_groups(conn: &mut AnyConnection, rows: Vec<GroupRow>, one: Option<i64>) -> Result<Vec<WorkingGroup>> {
    let members: Vec<MemberRow> = sqlx::query_as(
        "SELECT m.group_id, m.org_id, o.name AS org_name, m.role, m.delegate
         FROM group_members m JOIN organisations o ON o.id = m.org_id
         WHERE $1 = 0 OR m.group_id = $1 ORDER BY o.name",
    )
    .bind(one.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let mut list = members
                .iter()
                .filter(|m| m.group_id == r.id)
                .map(|m| {
                    Ok(Member {
                        org_id: m.org_id,
                        org_name: m.org_name.clone(),
                        role: MemberRole::from_code(&m.role).ok_or_else(|| corrupt("working group", r.id))?,
                        delegate: m.delegate.clone(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            // Chair first, then secretary, members, observers; by name within a role.
            list.sort_by_key(|m| MemberRole::ALL.iter().position(|x| *x == m.role));
            Ok(WorkingGroup {
                id: r.id,
                name: r.name,
                kind: GroupKind::from_code(&r.kind).ok_or_else(|| corrupt("working group", r.id))?,
                unit: r.unit,
                lead_org_id: r.lead_org_id,
                description: r.description,
                members: list,
            })
        })
        .collect()
}

pub async fn group(conn: &mut AnyConnection, id: i64) -> Result<WorkingGroup> {
    let row: GroupRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{GROUP_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    hydrate_groups(conn, vec![row], Some(id)).await?.pop().ok_or(StorageError::NotFound)
}

pub async fn groups(conn: &mut AnyConnection) -> Result<Vec<WorkingGroup>> {
    let rows: Vec<GroupRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{GROUP_COLUMNS} ORDER BY name"))).fetch_all(&mut *conn).await?;
    hydrate_groups(conn, rows, None).await
}

// ---------------------------------------------------------------------------------------------
// Meetings

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    pub id: i64,
    pub group_id: i64,
    pub uid: String,
    pub title: String,
    /// Europe/Rome wall-clock time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    /// One item per line.
    pub agenda: String,
    pub minutes: String,
    pub minutes_approved: bool,
    pub approved_at: Option<i64>,
    pub cancelled: bool,
    pub sequence: i64,
    pub updated_at: i64,
}

impl Meeting {
    pub fn agenda_items(&self) -> Vec<&str> {
        self.agenda.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
    }
}

#[derive(FromRow)]
struct MeetingRow {
    id: i64,
    group_id: i64,
    uid: String,
    title: String,
    starts_at: String,
    ends_at: String,
    place: String,
    agenda: String,
    minutes: String,
    minutes_status: String,
    approved_at: Option<i64>,
    cancelled: i64,
    sequence: i64,
    updated_at: i64,
}

impl From<MeetingRow> for Meeting {
    fn from(r: MeetingRow) -> Self {
        Self {
            id: r.id,
            group_id: r.group_id,
            uid: r.uid,
            title: r.title,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            place: r.place,
            agenda: r.agenda,
            minutes: r.minutes,
            minutes_approved: r.minutes_status == "approved",
            approved_at: r.approved_at,
            cancelled: flag(r.cancelled),
            sequence: r.sequence,
            updated_at: r.updated_at,
        }
    }
}

pub struct NewMeeting<'a> {
    pub title: &'a str,
    pub starts_at: &'a str,
    pub ends_at: &'a str,
    pub place: &'a str,
    pub agenda: &'a str,
}

pub async fn create_meeting(conn: &mut AnyConnection, group_id: i64, m: &NewMeeting<'_>) -> Result<i64> {
    let t = now();
    let uid = format!("{}@argine", uuid::Uuid::new_v4());
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO meetings (group_id, uid, title, starts_at, ends_at, place, agenda, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(group_id)
    .bind(uid)
    .bind(m.title)
    .bind(m.starts_at)
    .bind(m.ends_at)
    .bind(m.place)
    .bind(m.agenda)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Changes when, where and what; calendar clients see a new SEQUENCE.
pub async fn update_meeting(conn: &mut AnyConnection, id: i64, m: &NewMeeting<'_>) -> Result<()> {
    let r = sqlx::query(
        "UPDATE meetings SET title = $1, starts_at = $2, ends_at = $3, place = $4, agenda = $5,
                sequence = sequence + 1, updated_at = $6 WHERE id = $7",
    )
    .bind(m.title)
    .bind(m.starts_at)
    .bind(m.ends_at)
    .bind(m.place)
    .bind(m.agenda)
    .bind(now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

pub async fn set_cancelled(conn: &mut AnyConnection, id: i64, cancelled: bool) -> Result<()> {
    let r = sqlx::query("UPDATE meetings SET cancelled = $1, sequence = sequence + 1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(cancelled))
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// Saves the draft minutes. Approved minutes are frozen: `Conflict("minutes_approved")`.
pub async fn set_minutes(conn: &mut AnyConnection, id: i64, minutes: &str) -> Result<()> {
    let r = sqlx::query("UPDATE meetings SET minutes = $1, updated_at = $2 WHERE id = $3 AND minutes_status = 'draft'")
        .bind(minutes)
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::Conflict("minutes_approved".into())) } else { Ok(()) }
}

pub async fn approve_minutes(conn: &mut AnyConnection, id: i64, by: i64) -> Result<()> {
    let t = now();
    let r = sqlx::query(
        "UPDATE meetings SET minutes_status = 'approved', approved_at = $1, approved_by = $2, updated_at = $1
         WHERE id = $3 AND minutes_status = 'draft'",
    )
    .bind(t)
    .bind(by)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if r.rows_affected() == 0 { Err(StorageError::Conflict("minutes_approved".into())) } else { Ok(()) }
}

const MEETING_COLUMNS: &str = "SELECT id, group_id, uid, title, starts_at, ends_at, place, agenda, minutes,
    minutes_status, approved_at, cancelled, sequence, updated_at FROM meetings";

pub async fn meeting(conn: &mut AnyConnection, id: i64) -> Result<Meeting> {
    let r: MeetingRow = sqlx::query_as(sqlx::AssertSqlSafe(format!("{MEETING_COLUMNS} WHERE id = $1")))
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(r.into())
}

/// A group's meetings in time order.
pub async fn meetings_of(conn: &mut AnyConnection, group_id: i64) -> Result<Vec<Meeting>> {
    let rows: Vec<MeetingRow> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{MEETING_COLUMNS} WHERE group_id = $1 ORDER BY starts_at, id")))
            .bind(group_id)
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(Meeting::from).collect())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRow {
    pub org_id: i64,
    pub org_name: String,
    pub status: Attendance,
    pub attendee: String,
}

/// Replaces the attendance register of a meeting.
pub async fn set_attendance(
    conn: &mut AnyConnection,
    meeting_id: i64,
    rows: &[(i64, Attendance, String)],
) -> Result<()> {
    sqlx::query("DELETE FROM meeting_attendance WHERE meeting_id = $1").bind(meeting_id).execute(&mut *conn).await?;
    for (org_id, status, attendee) in rows {
        sqlx::query("INSERT INTO meeting_attendance (meeting_id, org_id, status, attendee) VALUES ($1, $2, $3, $4)")
            .bind(meeting_id)
            .bind(org_id)
            .bind(status.code())
            .bind(attendee)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn attendance(conn: &mut AnyConnection, meeting_id: i64) -> Result<Vec<AttendanceRow>> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT a.org_id, o.name, a.status, a.attendee FROM meeting_attendance a
         JOIN organisations o ON o.id = a.org_id WHERE a.meeting_id = $1 ORDER BY o.name",
    )
    .bind(meeting_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(org_id, org_name, status, attendee)| {
            Ok(AttendanceRow {
                org_id,
                org_name,
                status: Attendance::from_code(&status).ok_or_else(|| corrupt("meeting", meeting_id))?,
                attendee,
            })
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub id: i64,
    pub meeting_id: i64,
    pub text: String,
    pub owner_org_id: Option<i64>,
    pub owner_org_name: Option<String>,
    pub due_on: Option<String>,
    pub status: DecisionStatus,
}

pub async fn add_decision(
    conn: &mut AnyConnection,
    meeting_id: i64,
    text: &str,
    owner_org_id: Option<i64>,
    due_on: Option<&str>,
) -> Result<i64> {
    let t = now();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO meeting_decisions (meeting_id, text, owner_org_id, due_on, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(meeting_id)
    .bind(text)
    .bind(owner_org_id)
    .bind(due_on)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

pub async fn set_decision_status(
    conn: &mut AnyConnection,
    meeting_id: i64,
    id: i64,
    status: DecisionStatus,
) -> Result<()> {
    let r = sqlx::query("UPDATE meeting_decisions SET status = $1, updated_at = $2 WHERE id = $3 AND meeting_id = $4")
        .bind(status.code())
        .bind(now())
        .bind(id)
        .bind(meeting_id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::NotFound) } else { Ok(()) }
}

/// A decision as read: (id, meeting, text, owner organisation id and name, due date, status code).
type DecisionRow = (i64, i64, String, Option<i64>, Option<String>, Option<String>, String);

/// Decisions of one meeting, or of every meeting of a group (`group_id`), in order taken.
pub async fn decisions(
    conn: &mut AnyConnection,
    meeting_id: Option<i64>,
    group_id: Option<i64>,
) -> Result<Vec<Decision>> {
    let rows: Vec<DecisionRow> = sqlx::query_as(
        "SELECT d.id, d.meeting_id, d.text, d.owner_org_id, o.name, d.due_on, d.status
         FROM meeting_decisions d JOIN meetings m ON m.id = d.meeting_id
         LEFT JOIN organisations o ON o.id = d.owner_org_id
         WHERE ($1 = 0 OR d.meeting_id = $1) AND ($2 = 0 OR m.group_id = $2)
         ORDER BY m.starts_at, d.id",
    )
    .bind(meeting_id.unwrap_or(0))
    .bind(group_id.unwrap_or(0))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, meeting_id, text, owner_org_id, owner_org_name, due_on, status)| {
            Ok(Decision {
                id,
                meeting_id,
                text,
                owner_org_id,
                owner_org_name,
                due_on,
                status: DecisionStatus::from_code(&status).ok_or_else(|| corrupt("decision", id))?,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Staged imports

#[derive(Debug, Clone)]
pub struct Staged {
    pub id: i64,
    pub kind: String,
    pub user_id: i64,
    pub filename: String,
    pub sha256: String,
    pub content: Vec<u8>,
    pub created_at: i64,
    pub applied: bool,
}

/// Keeps an uploaded file until its owner confirms the import (or a day passes).
pub async fn stage(conn: &mut AnyConnection, kind: &str, user_id: i64, filename: &str, content: &[u8]) -> Result<i64> {
    let t = now();
    sqlx::query("DELETE FROM staged_imports WHERE created_at < $1").bind(t - 86_400).execute(&mut *conn).await?;
    let sha = data_encoding::HEXLOWER.encode(&Sha256::digest(content));
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO staged_imports (kind, user_id, filename, sha256, content, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(kind)
    .bind(user_id)
    .bind(filename)
    .bind(sha)
    .bind(content)
    .bind(t)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A staged file of `user_id` (someone else's staged file is `NotFound`).
pub async fn staged(conn: &mut AnyConnection, id: i64, user_id: i64) -> Result<Staged> {
    let (id, kind, user_id, filename, sha256, content, created_at, applied_at): (
        i64,
        String,
        i64,
        String,
        String,
        Vec<u8>,
        i64,
        Option<i64>,
    ) = sqlx::query_as(
        "SELECT id, kind, user_id, filename, sha256, content, created_at, applied_at FROM staged_imports
         WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Staged { id, kind, user_id, filename, sha256, content, created_at, applied: applied_at.is_some() })
}

/// Marks a staged file applied; a second apply of the same file is a `Conflict`.
pub async fn mark_applied(conn: &mut AnyConnection, id: i64) -> Result<()> {
    let r = sqlx::query("UPDATE staged_imports SET applied_at = $1 WHERE id = $2 AND applied_at IS NULL")
        .bind(now())
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if r.rows_affected() == 0 { Err(StorageError::Conflict("staged_import_applied".into())) } else { Ok(()) }
}
