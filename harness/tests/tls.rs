//! HTTPS targets signed by a private CA (a development server's certificate): not trusted by
//! default, which ends the case at once with a hint instead of retries; trusted with
//! `--cacert FILE` or `CONTRACT_CACERT`.

mod common;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use std::process::Output;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;

const PAGE: &str = "# Get me

<!-- { \"blockType\": \"request\", \"name\": \"get_me\" } -->
```http
GET https://graph.microsoft.com/v1.0/me
```

<!-- { \"blockType\": \"response\", \"truncated\": true } -->
```http
HTTP/1.1 200 OK
Content-Type: application/json

{ \"id\": \"1\" }
```
";

/// A private CA's certificate (PEM) and an HTTPS server on 127.0.0.1:0 whose certificate it
/// signed, answering every request with the documented response.
async fn https_server() -> (String, std::net::SocketAddr) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let certificate = CertificateParams::new(vec!["127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![certificate.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let addr = common::raw_server(move |stream| {
        let acceptor = acceptor.clone();
        async move {
                // A client that refuses the certificate ends the handshake here.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buffer = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buffer[..n]),
                    }
                }
                let body = br#"{"id": "1"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.write_all(body).await;
                let _ = tls.shutdown().await;
        }
    })
    .await;
    (ca.pem(), addr)
}

async fn contract(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    let mut command = common::contract();
    command.arg("run").args(args).envs(envs);
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_ca_is_refused_at_once_and_trusted_with_cacert() {
    let (ca_pem, addr) = https_server().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("v1.0")).unwrap();
    std::fs::write(dir.path().join("v1.0/me.md"), PAGE).unwrap();
    let ca_file = dir.path().join("dev-ca.pem");
    std::fs::write(&ca_file, ca_pem).unwrap();
    let common = vec![
        "--cases".to_owned(),
        dir.path().display().to_string(),
        "--base-url".to_owned(),
        format!("https://{addr}/"),
    ];

    let refused = contract(common.clone(), vec![]).await;
    let output = text(&refused);
    assert_eq!(refused.status.code(), Some(1), "{output}");
    assert!(
        output.contains(
            "the target's TLS certificate is not trusted (invalid peer certificate: UnknownIssuer)"
        ),
        "{output}"
    );
    assert!(output.contains("--cacert FILE"), "{output}");
    assert!(
        !output.contains("retried"),
        "a certificate is not retried: {output}"
    );

    let with_flag = contract(
        [
            common.clone(),
            vec!["--cacert".into(), ca_file.display().to_string()],
        ]
        .concat(),
        vec![],
    )
    .await;
    assert_eq!(with_flag.status.code(), Some(0), "{}", text(&with_flag));
    assert!(
        text(&with_flag).contains("1 passed"),
        "{}",
        text(&with_flag)
    );

    let with_variable = contract(
        common.clone(),
        vec![("CONTRACT_CACERT", ca_file.display().to_string())],
    )
    .await;
    assert_eq!(
        with_variable.status.code(),
        Some(0),
        "{}",
        text(&with_variable)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cacert_file_without_certificates_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not-a-ca.pem");
    std::fs::write(&not_pem, "hello\n").unwrap();
    for file in [not_pem, dir.path().join("missing.pem")] {
        let run = contract(
            vec![
                "--cases".into(),
                dir.path().display().to_string(),
                "--cacert".into(),
                file.display().to_string(),
                "--dry-run".into(),
            ],
            vec![],
        )
        .await;
        let output = text(&run);
        assert_eq!(run.status.code(), Some(2), "{output}");
        assert!(
            output.contains(&format!("failed to read the CA file {}", file.display())),
            "{output}"
        );
        assert!(
            output.contains("--cacert FILE or CONTRACT_CACERT"),
            "{output}"
        );
    }
}
