//! `--all` of the command-line program (crate feature `cli`): every item of a
//! stream printed as one line of JSON as it arrives. Paged operations stream
//! their items this way; a streamed operation's events would print the same way.

use super::cli::{EXIT_OK, Invocation, Pending};
use super::error::Error;

impl Invocation {
    /// Prints each item of `stream` as a line of JSON while the stream runs;
    /// stops at the first error, which it reports. Resolves to the exit code.
    pub fn lines<'a, T, E, S>(&'a self, stream: S) -> Pending<'a>
    where
        S: futures_util::Stream<Item = Result<T, Error<E>>> + 'a,
        T: serde::Serialize,
        E: 'a,
    {
        Box::pin(async move {
            let mut stream = std::pin::pin!(stream);
            while let Some(item) = futures_util::StreamExt::next(&mut stream).await {
                match item {
                    Ok(value) => match serde_json::to_vec(&value) {
                        Ok(json) => {
                            if !self.line(&json) {
                                // stdout was closed (`| head`): nothing more to do.
                                return EXIT_OK;
                            }
                        }
                        Err(e) => {
                            eprintln!("error: an item could not be written as JSON: {e}");
                            return super::cli::EXIT_API;
                        }
                    },
                    Err(e) => return self.failed(&super::cli::without_body(e)),
                }
            }
            EXIT_OK
        })
    }
}
