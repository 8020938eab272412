//! Italian civil time and iCalendar (RFC 5545) feeds.
//!
//! Meetings are kept in Europe/Rome wall-clock time (`YYYY-MM-DDTHH:MM`), as people enter and
//! read them. Italy follows the EU summer-time rule (CEST from 01:00 UTC on the last Sunday of
//! March to 01:00 UTC on the last Sunday of October), so no time-zone database is needed.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

/// Wall-clock format used for meetings: `2026-12-01T10:30`.
const LOCAL: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");

fn last_sunday(year: i32, month: Month) -> Option<Date> {
    let mut d = Date::from_calendar_date(year, month, time::util::days_in_month(month, year)).ok()?;
    while d.weekday() != Weekday::Sunday {
        d = d.previous_day()?;
    }
    Some(d)
}

/// The UTC instants at which summer time starts and ends in `year`.
fn summer_time(year: i32) -> Option<(OffsetDateTime, OffsetDateTime)> {
    let one = Time::from_hms(1, 0, 0).ok()?;
    let start = last_sunday(year, Month::March)?.with_time(one).assume_utc();
    let end = last_sunday(year, Month::October)?.with_time(one).assume_utc();
    Some((start, end))
}

/// Europe/Rome's offset from UTC at `instant`: +1 h in winter, +2 h in summer.
pub fn rome_offset(instant: OffsetDateTime) -> UtcOffset {
    let summer = summer_time(instant.year()).is_some_and(|(s, e)| instant >= s && instant < e);
    UtcOffset::from_hms(if summer { 2 } else { 1 }, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The Rome wall-clock time of `instant`.
pub fn rome_local(instant: OffsetDateTime) -> PrimitiveDateTime {
    let local = instant.to_offset(rome_offset(instant));
    PrimitiveDateTime::new(local.date(), local.time())
}

/// Parses `YYYY-MM-DDTHH:MM` (what `<input type="datetime-local">` sends; seconds are dropped).
pub fn parse_local(s: &str) -> Option<PrimitiveDateTime> {
    let s = s.trim();
    let s = s.get(..16).unwrap_or(s);
    PrimitiveDateTime::parse(s, LOCAL).ok()
}

pub fn format_local(t: PrimitiveDateTime) -> String {
    t.format(LOCAL).unwrap_or_default()
}

/// Rome wall-clock time now, as stored for meetings.
pub fn rome_now() -> String {
    format_local(rome_local(OffsetDateTime::now_utc()))
}

/// One event of a feed. Times are Rome wall-clock times.
#[derive(Debug, Clone)]
pub struct Event {
    /// Globally unique and stable: calendar clients update the event they already have.
    pub uid: String,
    /// Bumped at every change so clients take the new version.
    pub sequence: i64,
    pub start: PrimitiveDateTime,
    pub end: PrimitiveDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub url: Option<String>,
    pub cancelled: bool,
    pub last_modified: OffsetDateTime,
}

/// The standard VTIMEZONE of Europe/Rome (EU rule since 1996), required for every TZID used.
const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Rome\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\n\
TZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n\
END:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n\
DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n";

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes one content line, folded at 75 octets without splitting a UTF-8 character (§3.1).
fn line(out: &mut String, name: &str, value: &str) {
    let full = format!("{name}:{value}");
    let mut width = 0;
    for c in full.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

fn local_stamp(t: PrimitiveDateTime) -> String {
    format!("{:04}{:02}{:02}T{:02}{:02}00", t.year(), u8::from(t.month()), t.day(), t.hour(), t.minute())
}

/// A whole VCALENDAR with the given name (shown by clients as the calendar's title).
pub fn to_ics(name: &str, events: &[Event]) -> String {
    let mut out = String::new();
    out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//argine//rete//IT\r\nCALSCALE:GREGORIAN\r\n");
    out.push_str("METHOD:PUBLISH\r\n");
    line(&mut out, "X-WR-CALNAME", &escape(name));
    line(&mut out, "X-WR-TIMEZONE", "Europe/Rome");
    out.push_str(VTIMEZONE);
    for e in events {
        out.push_str("BEGIN:VEVENT\r\n");
        line(&mut out, "UID", &escape(&e.uid));
        line(&mut out, "SEQUENCE", &e.sequence.to_string());
        line(&mut out, "DTSTAMP", &stamp(e.last_modified));
        line(&mut out, "LAST-MODIFIED", &stamp(e.last_modified));
        line(&mut out, "DTSTART;TZID=Europe/Rome", &local_stamp(e.start));
        line(&mut out, "DTEND;TZID=Europe/Rome", &local_stamp(e.end));
        line(&mut out, "SUMMARY", &escape(&e.summary));
        if !e.location.is_empty() {
            line(&mut out, "LOCATION", &escape(&e.location));
        }
        if !e.description.is_empty() {
            line(&mut out, "DESCRIPTION", &escape(&e.description));
        }
        if let Some(url) = &e.url {
            line(&mut out, "URL", url);
        }
        line(&mut out, "STATUS", if e.cancelled { "CANCELLED" } else { "CONFIRMED" });
        out.push_str("END:VEVENT\r\n");
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn rome_changes_clocks_on_the_last_sundays() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(rome_offset(datetime!(2026-03-29 00:59 UTC)).whole_hours(), 1);
        assert_eq!(rome_offset(datetime!(2026-03-29 01:00 UTC)).whole_hours(), 2);
        assert_eq!(rome_offset(datetime!(2026-10-25 00:59 UTC)).whole_hours(), 2);
        assert_eq!(rome_offset(datetime!(2026-10-25 01:00 UTC)).whole_hours(), 1);
        assert_eq!(format_local(rome_local(datetime!(2026-07-01 08:00 UTC))), "2026-07-01T10:00");
        assert_eq!(format_local(rome_local(datetime!(2026-12-01 08:00 UTC))), "2026-12-01T09:00");
    }

    #[test]
    fn parses_browser_input() {
        assert_eq!(parse_local("2026-12-01T10:30").map(format_local).as_deref(), Some("2026-12-01T10:30"));
        assert_eq!(parse_local("2026-12-01T10:30:15").map(format_local).as_deref(), Some("2026-12-01T10:30"));
        assert!(parse_local("2026-13-01T10:30").is_none());
        assert!(parse_local("domani").is_none());
    }

    #[test]
    fn escapes_and_folds() {
        assert_eq!(escape("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        let e = Event {
            uid: "m1@argine".into(),
            sequence: 2,
            start: datetime!(2026-12-01 10:00),
            end: datetime!(2026-12-01 12:00),
            summary: "Riunione".into(),
            location: "Prefettura di Mantova, via Principe Amedeo 32".into(),
            description: "à".repeat(100),
            url: None,
            cancelled: false,
            last_modified: datetime!(2026-11-20 10:00 UTC),
        };
        let ics = to_ics("Task force", &[e]);
        assert!(ics.contains("DTSTART;TZID=Europe/Rome:20261201T100000\r\n"));
        assert!(ics.contains("LOCATION:Prefettura di Mantova\\, via Principe Amedeo 32\r\n"));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "line of {} octets: {l}", l.len());
        }
        // Unfolding restores the value.
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{}\r\n", "à".repeat(100))));
    }
}
