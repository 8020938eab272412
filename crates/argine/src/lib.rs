//! The `argine` program: configuration, start-up, the job worker, the demo and the CLI.

pub mod bench;
pub mod casework;
pub mod census;
pub mod cli;
pub mod config;
pub mod demo;
pub mod report;
pub mod secrets;
pub mod startup;
pub mod telemetry;
pub mod worker;

pub use startup::Application;
