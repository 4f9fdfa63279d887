//! Notices that the reader of stdout has gone (`events -f | head -1` after its line) without
//! writing to it, as GNU `tail -f` does: a pipe whose reader closed polls as an error.

/// Resolves once stdout is a pipe (or terminal) whose reader has gone; never, for a file or
/// where it cannot be told.
pub async fn stdout_reader_gone() {
    let (gone, told) = tokio::sync::oneshot::channel();
    // `poll` blocks, so it gets a thread of its own; it ends with the process.
    #[cfg(unix)]
    std::thread::spawn(move || {
        if wait_for_reader_to_go() {
            let _ = gone.send(());
        }
    });
    #[cfg(not(unix))]
    drop(gone);
    if told.await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Blocks until stdout reports an error or hang-up (its reader closed): true; false if that
/// cannot be waited for.
#[cfg(unix)]
fn wait_for_reader_to_go() -> bool {
    use rustix::event::{PollFd, PollFlags, poll};
    let stdout = std::io::stdout();
    loop {
        // Asking for no events: only ERR, HUP and NVAL are reported (files never report them).
        let mut fds = [PollFd::new(&stdout, PollFlags::empty())];
        match poll(&mut fds, None) {
            Ok(_) => {
                let revents = fds[0].revents();
                if revents.contains(PollFlags::NVAL) {
                    return false;
                }
                if revents.intersects(PollFlags::ERR | PollFlags::HUP) {
                    return true;
                }
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return false,
        }
    }
}
