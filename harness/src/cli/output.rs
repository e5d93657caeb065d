//! Standard output and error for a reader that may stop early (`contract lint | head`).
//!
//! Rust ignores SIGPIPE, so writing to a closed pipe is an error, and `println!` panics on it.
//! Once the reader has gone, the rest is dropped instead: the command finishes its work and
//! its exit status still says what it found. (Restoring SIGPIPE is not an option: the same
//! signal would kill the process when an HTTP peer closes a socket.)

use std::io::{self, Write};

/// A writer that swallows the first broken pipe and everything after it.
pub(crate) struct Output<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Output<W> {
    fn new(inner: W) -> Self {
        Output {
            inner,
            closed: false,
        }
    }

    fn absorb<T>(&mut self, result: io::Result<T>, instead: T) -> io::Result<T> {
        match result {
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(instead)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for Output<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        let result = self.inner.write(buf);
        self.absorb(result, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let result = self.inner.flush();
        self.absorb(result, ())
    }
}

/// Standard output, buffered; flush it before the command returns.
pub(crate) fn stdout() -> Output<io::BufWriter<io::StdoutLock<'static>>> {
    Output::new(io::BufWriter::new(io::stdout().lock()))
}

/// Standard error, for notes and findings; unbuffered, as stderr is.
pub(crate) fn stderr() -> Output<io::Stderr> {
    Output::new(io::stderr())
}

/// `eprintln!` that survives a closed stderr.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::output::stderr(), $($arg)*);
    }};
}
pub(crate) use note;

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that has gone away.
    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }

    /// A disk that is full: a real error, which must still come through.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::StorageFull.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_drops_the_rest_and_other_errors_still_fail() {
        let mut closed = Output::new(Closed);
        writeln!(closed, "first").unwrap();
        writeln!(closed, "second").unwrap();
        closed.flush().unwrap();
        assert!(closed.closed);
        let mut full = Output::new(Full);
        assert_eq!(
            writeln!(full, "x").unwrap_err().kind(),
            io::ErrorKind::StorageFull
        );
    }
}
