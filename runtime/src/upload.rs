//! Binary request bodies: bytes in memory, a file, or a stream, sent without
//! being read into memory first, with `Content-Length` when the size is known.

use super::error::RequestError;
use super::request::{Body, RequestParts};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A binary request body. Bytes convert into it (`Vec<u8>`, `bytes::Bytes`,
/// `&'static [u8]`, `String`, …); [`Upload::file`] sends a file and
/// [`Upload::stream`] a stream of chunks, neither read into memory first.
///
/// Bytes and files can be sent again, so calls with them retry as any other; a
/// stream can be sent only once, so a call with one is never retried (after a
/// failed attempt, its outcome stands).
#[derive(Clone)]
pub struct Upload(Source);

#[derive(Clone)]
enum Source {
    Bytes(bytes::Bytes),
    /// Opened afresh by each attempt.
    File(PathBuf),
    /// Taken by the first attempt.
    Stream {
        body: Arc<Mutex<Option<reqwest::Body>>>,
        length: Option<u64>,
    },
}

impl Upload {
    /// The file at `path`, read as it is sent, with its size as `Content-Length`.
    /// It is opened when the request is sent (again by each retry); a file that
    /// cannot be opened makes the call fail with `Error::InvalidRequest`.
    pub fn file(path: impl Into<PathBuf>) -> Upload {
        Upload(Source::File(path.into()))
    }

    /// A stream of chunks, sent as they come (`length`, when known, is sent as
    /// `Content-Length`; otherwise the body is chunked). A stream is sent once: a
    /// call with one is not retried.
    pub fn stream<S, B, E>(stream: S, length: Option<u64>) -> Upload
    where
        S: futures_util::Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<bytes::Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        let stream = futures_util::StreamExt::map(stream, |chunk| chunk.map(Into::into));
        Upload(Source::Stream {
            body: Arc::new(Mutex::new(Some(reqwest::Body::wrap_stream(stream)))),
            length,
        })
    }

    /// The body's size, when it is known before sending (a file's is read now).
    pub fn len(&self) -> Option<u64> {
        match &self.0 {
            Source::Bytes(bytes) => Some(bytes.len() as u64),
            Source::File(path) => std::fs::metadata(path).ok().map(|m| m.len()),
            Source::Stream { length, .. } => *length,
        }
    }

    /// Whether the body is known to be empty.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Source::Bytes(bytes) => f.debug_tuple("Bytes").field(&bytes.len()).finish(),
            Source::File(path) => f.debug_tuple("File").field(path).finish(),
            Source::Stream { length, .. } => {
                f.debug_struct("Stream").field("length", length).finish()
            }
        }
    }
}

impl From<bytes::Bytes> for Upload {
    fn from(bytes: bytes::Bytes) -> Upload {
        Upload(Source::Bytes(bytes))
    }
}

impl From<Vec<u8>> for Upload {
    fn from(bytes: Vec<u8>) -> Upload {
        Upload(Source::Bytes(bytes.into()))
    }
}

impl From<Box<[u8]>> for Upload {
    fn from(bytes: Box<[u8]>) -> Upload {
        Upload(Source::Bytes(bytes.into()))
    }
}

impl From<&'static [u8]> for Upload {
    fn from(bytes: &'static [u8]) -> Upload {
        Upload(Source::Bytes(bytes.into()))
    }
}

impl From<String> for Upload {
    fn from(text: String) -> Upload {
        Upload(Source::Bytes(text.into()))
    }
}

impl From<&'static str> for Upload {
    fn from(text: &'static str) -> Upload {
        Upload(Source::Bytes(text.into()))
    }
}

impl RequestParts {
    /// A binary body: bytes as they are, a file or a stream as they are read.
    pub(crate) fn upload(
        &mut self,
        content_type: &'static str,
        upload: &Upload,
    ) -> Result<(), RequestError> {
        let (body, length) = match &upload.0 {
            Source::Bytes(bytes) => {
                self.bytes(content_type, bytes.clone());
                return Ok(());
            }
            Source::File(path) => {
                let cannot = |e: std::io::Error| {
                    RequestError(format!(
                        "cannot read the body file `{}`: {e}",
                        path.display()
                    ))
                };
                let file = std::fs::File::open(path).map_err(cannot)?;
                let length = file.metadata().map_err(cannot)?.len();
                let body = reqwest::Body::from(tokio::fs::File::from_std(file));
                (body, Some(length))
            }
            Source::Stream { body, length } => {
                let taken = body
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take();
                let Some(body) = taken else {
                    return Err(RequestError(
                        "the body is a stream, which can be sent only once, and it was sent already".into(),
                    ));
                };
                (body, *length)
            }
        };
        self.body = Some(Body::Custom(Box::new(move |request| {
            let request = request.header(reqwest::header::CONTENT_TYPE, content_type);
            let request = match length {
                Some(length) => request.header(reqwest::header::CONTENT_LENGTH, length),
                None => request,
            };
            request.body(body)
        })));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_convert_and_are_sent_as_they_are() {
        let upload = Upload::from(vec![1u8, 2, 3]);
        assert_eq!(upload.len(), Some(3));
        let mut parts = RequestParts::default();
        parts.upload("application/octet-stream", &upload).unwrap();
        assert!(matches!(parts.body, Some(Body::Bytes { .. })));
        // Sent again (a retry): the same bytes.
        let mut again = RequestParts::default();
        again.upload("application/octet-stream", &upload).unwrap();
        assert!(matches!(again.body, Some(Body::Bytes { .. })));
    }

    #[test]
    fn a_stream_is_sent_once() {
        let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>(vec![1u8])]);
        let upload = Upload::stream(chunks, Some(1));
        let copy = upload.clone();
        let mut parts = RequestParts::default();
        parts.upload("application/octet-stream", &upload).unwrap();
        let err = RequestParts::default()
            .upload("application/octet-stream", &copy)
            .unwrap_err();
        assert!(err.to_string().contains("only once"), "{err}");
    }

    #[test]
    fn a_missing_file_is_a_request_error_naming_it() {
        let upload = Upload::file("/no/such/file.bin");
        assert_eq!(upload.len(), None);
        let err = RequestParts::default()
            .upload("application/octet-stream", &upload)
            .unwrap_err();
        assert!(err.to_string().contains("/no/such/file.bin"), "{err}");
    }
}
