//! Logs: JSON lines by default (one object per event, with the request id), no personal data.

use tracing_subscriber::EnvFilter;

pub fn init(format: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let result = if format == "pretty" {
        builder.try_init()
    } else {
        builder.json().flatten_event(true).with_current_span(true).try_init()
    };
    if let Err(e) = result {
        eprintln!("logging already initialised: {e}");
    }
}
