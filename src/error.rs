//! The errors that end a command early, each with the exit code it maps to.

use std::fmt;

/// Exit codes shared by every command.
pub mod exit {
    pub const OK: u8 = 0;
    /// Findings at error level (or warnings with --strict), or a partial failure.
    pub const FINDINGS: u8 = 1;
    /// Bad invocation, or input that cannot be read or recognised.
    pub const USAGE: u8 = 2;
    /// The cluster is unreachable, or access was denied.
    pub const CLUSTER: u8 = 3;
    /// Interrupted by Ctrl-C (128 + SIGINT), as shells report it.
    pub const INTERRUPTED: u8 = 130;
}

/// What went wrong, what to do about it, and which exit code it means.
#[derive(Debug, thiserror::Error)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad flags or arguments.
    Usage,
    /// Input that cannot be read, is not YAML, or holds nothing we recognise.
    Input,
    /// Cluster unreachable or access denied.
    Cluster,
    /// The command ran but cannot do what was asked (a bad configuration, an unknown name).
    Findings,
    /// Writing our own output failed.
    Output,
    /// The reader of our output went away (`… | head`): not a failure.
    BrokenPipe,
    /// The user pressed Ctrl-C.
    Interrupted,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Usage, message)
    }

    pub fn input(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Input, message)
    }

    pub fn cluster(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Cluster, message)
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Usage | ErrorKind::Input => exit::USAGE,
            ErrorKind::Cluster => exit::CLUSTER,
            ErrorKind::Output | ErrorKind::Findings => exit::FINDINGS,
            ErrorKind::BrokenPipe => exit::OK,
            ErrorKind::Interrupted => exit::INTERRUPTED,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        let kind = match e.kind() {
            std::io::ErrorKind::BrokenPipe => ErrorKind::BrokenPipe,
            _ => ErrorKind::Output,
        };
        Error::new(kind, format!("writing output failed: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
