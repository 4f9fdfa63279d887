//! The errors that end a command early, each with the exit code it maps to and its causes.

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

/// What went wrong, what to do about it, and which exit code it means. `source` is the
/// error that caused it (kube's, the kubeconfig reader's, an I/O error), kept whole so that
/// `-v` can print the chain.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<String>,
    #[source]
    pub source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
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
            source: None,
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

    /// Keeps the error that caused this one (`causes` lists it and its own sources).
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The causes, outermost first, each once: what `-v` prints under the message.
    pub fn causes(&self) -> Vec<String> {
        let mut causes: Vec<String> = Vec::new();
        let mut next = std::error::Error::source(self);
        while let Some(cause) = next {
            let text = cause.to_string();
            if causes.last() != Some(&text) {
                causes.push(text);
            }
            next = cause.source();
        }
        causes
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

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        let kind = match e.kind() {
            std::io::ErrorKind::BrokenPipe => ErrorKind::BrokenPipe,
            _ => ErrorKind::Output,
        };
        Error::new(kind, format!("writing output failed: {e}")).with_source(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cause_is_kept_and_listed_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let e = Error::cluster("cannot reach the cluster").with_source(io);
        assert_eq!(e.to_string(), "cannot reach the cluster");
        assert_eq!(e.causes(), ["refused"]);
        assert!(Error::usage("bad").causes().is_empty());
    }
}
