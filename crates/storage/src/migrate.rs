//! Embedded, ordered migrations, one set per dialect, applied at start-up.

use crate::{Backend, Db, Result, StorageError};
use sha2_free::checksum;

/// (version, name, SQL)
pub type Migration = (i64, &'static str, &'static str);

pub const MIGRATIONS_SQLITE: &[Migration] = &[
    (1, "foundation", include_str!("../migrations/sqlite/0001_foundation.sql")),
    (2, "territory", include_str!("../migrations/sqlite/0002_territory.sql")),
    (3, "network", include_str!("../migrations/sqlite/0003_network.sql")),
    (4, "census_forms", include_str!("../migrations/sqlite/0004_census_forms.sql")),
    (5, "census_campaigns", include_str!("../migrations/sqlite/0005_census_campaigns.sql")),
    (6, "census_mailing", include_str!("../migrations/sqlite/0006_census_mailing.sql")),
    (7, "census_corrections", include_str!("../migrations/sqlite/0007_census_corrections.sql")),
    (8, "reports", include_str!("../migrations/sqlite/0008_reports.sql")),
    (9, "census_coding", include_str!("../migrations/sqlite/0009_census_coding.sql")),
    (10, "census_queries", include_str!("../migrations/sqlite/0010_census_queries.sql")),
    (11, "settlements", include_str!("../migrations/sqlite/0011_settlements.sql")),
    (12, "outreach", include_str!("../migrations/sqlite/0012_outreach.sql")),
    (13, "cases", include_str!("../migrations/sqlite/0013_cases.sql")),
    (14, "cases_scale", include_str!("../migrations/sqlite/0014_cases_scale.sql")),
    (15, "casework_counts", include_str!("../migrations/sqlite/0015_casework_counts.sql")),
];
pub const MIGRATIONS_POSTGRES: &[Migration] = &[
    (1, "foundation", include_str!("../migrations/postgres/0001_foundation.sql")),
    (2, "territory", include_str!("../migrations/postgres/0002_territory.sql")),
    (3, "network", include_str!("../migrations/postgres/0003_network.sql")),
    (4, "census_forms", include_str!("../migrations/postgres/0004_census_forms.sql")),
    (5, "census_campaigns", include_str!("../migrations/postgres/0005_census_campaigns.sql")),
    (6, "census_mailing", include_str!("../migrations/postgres/0006_census_mailing.sql")),
    (7, "census_corrections", include_str!("../migrations/postgres/0007_census_corrections.sql")),
    (8, "reports", include_str!("../migrations/postgres/0008_reports.sql")),
    (9, "census_coding", include_str!("../migrations/postgres/0009_census_coding.sql")),
    (10, "census_queries", include_str!("../migrations/postgres/0010_census_queries.sql")),
    (11, "settlements", include_str!("../migrations/postgres/0011_settlements.sql")),
    (12, "outreach", include_str!("../migrations/postgres/0012_outreach.sql")),
    (13, "cases", include_str!("../migrations/postgres/0013_cases.sql")),
    (14, "cases_scale", include_str!("../migrations/postgres/0014_cases_scale.sql")),
    (15, "casework_counts", include_str!("../migrations/postgres/0015_casework_counts.sql")),
];

mod sha2_free {
    /// FNV-1a 64-bit: enough to detect an edited migration file (not a security measure).
    pub fn checksum(s: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in s.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

impl Db {
    /// Applies every migration not yet recorded, each in its own transaction. Refuses to start
    /// if an applied migration's text changed or the database is newer than this binary.
    pub async fn migrate(&self) -> Result<usize> {
        let set = match self.backend() {
            Backend::Sqlite => MIGRATIONS_SQLITE,
            Backend::Postgres => MIGRATIONS_POSTGRES,
        };
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
        )
        .execute(self.pool())
        .await?;
        let mut tx = self.begin().await?;
        if self.backend() == Backend::Postgres {
            // Several processes may start at once: one migrates, the others wait.
            sqlx::query("SELECT pg_advisory_xact_lock(727171)").execute(&mut *tx).await?;
        }
        let applied: Vec<(i64, String)> =
            sqlx::query_as("SELECT version, checksum FROM schema_migrations ORDER BY version")
                .fetch_all(&mut *tx)
                .await?;
        if let Some((v, _)) = applied.last()
            && *v > set.last().map_or(0, |m| m.0)
        {
            return Err(StorageError::Corrupt(format!(
                "the database schema (version {v}) is newer than this program; upgrade argine"
            )));
        }
        let mut count = 0;
        for (version, name, sql) in set {
            match applied.iter().find(|(v, _)| v == version) {
                Some((_, sum)) if *sum != checksum(sql) => {
                    return Err(StorageError::Corrupt(format!(
                        "migration {version} ({name}) was changed after being applied"
                    )));
                }
                Some(_) => {}
                None => {
                    sqlx::raw_sql(*sql).execute(&mut *tx).await?;
                    sqlx::query(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(*version)
                    .bind(*name)
                    .bind(checksum(sql))
                    .bind(crate::now())
                    .execute(&mut *tx)
                    .await?;
                    tracing::info!(version, name, "applied migration");
                    count += 1;
                }
            }
        }
        tx.commit().await?;
        Ok(count)
    }
}
