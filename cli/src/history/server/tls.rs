//! TLS to the history server, with rustls (ring): the URL's `sslmode` says whether to use it
//! (`disable`, `prefer` the default, `require`), as the `postgres` crate documents. The
//! server's certificate is always verified, against the system's roots plus the CA file
//! `PGSSLROOTCERT` names (else `~/.postgresql/root.crt`, if there), where libpq looks for a
//! private CA: a team's database usually has one.

use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::PathBuf;
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The TLS connector; an error names a CA file that cannot be read.
pub fn connector() -> Result<MakeRustlsConnect, String> {
    let mut roots = RootCertStore::empty();
    // Unreadable system certificates only cost the roots they hold.
    let native = rustls_native_certs::load_native_certs();
    roots.add_parsable_certificates(native.certs);
    if let Some(file) = ca_file() {
        let certs = CertificateDer::pem_file_iter(&file)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| {
                format!(
                    "PGSSLROOTCERT {}: not a PEM certificate file: {e}",
                    file.display()
                )
            })?;
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(format!(
                "PGSSLROOTCERT {}: no certificate in it",
                file.display()
            ));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

/// `PGSSLROOTCERT`, else `~/.postgresql/root.crt` when it exists.
fn ca_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("PGSSLROOTCERT").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(file));
    }
    let home = std::env::var_os("HOME")?;
    let file = PathBuf::from(home).join(".postgresql/root.crt");
    file.is_file().then_some(file)
}
