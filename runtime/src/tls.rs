//! TLS for the HTTP client the crate builds, chosen by the crate's features:
//! `rustls` (the default: rustls with reqwest's own crypto provider, aws-lc-rs),
//! `native-tls` (the platform's: OpenSSL on Linux, Schannel, Security.framework),
//! or `rustls-ring` (rustls with the `ring` provider, which builds without
//! aws-lc's C and CMake toolchain). With several on, `native-tls` wins, then
//! `rustls-ring`. A crate built with none can call only `http://` URLs.

use super::error::ConfigError;

/// Configures TLS on `builder`; `https` says whether the base URL needs it.
pub(crate) fn configure_tls(
    builder: reqwest::ClientBuilder,
    https: bool,
) -> Result<reqwest::ClientBuilder, ConfigError> {
    #[cfg(feature = "native-tls")]
    {
        let _ = https;
        Ok(builder.tls_backend_native())
    }
    #[cfg(all(feature = "rustls-ring", not(feature = "native-tls")))]
    {
        let _ = https;
        // reqwest takes the process's default provider; install ring's unless
        // the application installed one already (then that one is used).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Ok(builder.tls_backend_rustls())
    }
    #[cfg(all(
        feature = "rustls",
        not(feature = "native-tls"),
        not(feature = "rustls-ring")
    ))]
    {
        let _ = https;
        Ok(builder)
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls", feature = "rustls-ring")))]
    {
        if https {
            return Err(ConfigError(
                "this crate was built without TLS, so it cannot call an https URL: turn on its `rustls`, `native-tls` or `rustls-ring` feature".into(),
            ));
        }
        Ok(builder)
    }
}
