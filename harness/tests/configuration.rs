//! One configuration path: every option is a clap argument with its `CONTRACT_*` variable,
//! each command reads only what it needs, and a bad value names where it came from.

mod common;

fn text(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

#[test]
fn lint_ignores_a_bad_variable_it_does_not_read() {
    let output = common::contract()
        .args(["lint", "--cases"])
        .arg(common::cases())
        .env("CONTRACT_TIMEOUT", "nan")
        .env("CONTRACT_RETRIES", "-1")
        .output()
        .unwrap();
    let text = text(&output);
    assert_ne!(output.status.code(), Some(2), "{text}");
    assert!(text.contains("errors,"), "{text}");
}

#[test]
fn a_bad_value_from_a_variable_names_the_variable() {
    for (name, value) in [
        ("CONTRACT_TIMEOUT", "nan"),
        ("CONTRACT_RETRIES", "nan"),
        ("CONTRACT_MAX_BODY", "-1"),
        ("CONTRACT_ALLOW_WRITES", "perhaps"),
    ] {
        let output = common::contract()
            .args(["run", "--cases"])
            .arg(common::cases())
            .env(name, value)
            .output()
            .unwrap();
        let text = text(&output);
        assert_eq!(output.status.code(), Some(2), "{name}={value}: {text}");
        assert!(
            text.contains(&format!("'{value}'")) && text.contains(&format!("comes from {name}")),
            "{name}={value}: {text}"
        );
    }
    // The same value as a flag names the flag only.
    let output = common::contract()
        .args(["run", "--timeout", "nan", "--cases"])
        .arg(common::cases())
        .output()
        .unwrap();
    let text = text(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("'--timeout <SECONDS>'") && !text.contains("CONTRACT_TIMEOUT"),
        "{text}"
    );
}

#[test]
fn help_lists_each_variable_through_clap_and_hides_secret_values() {
    let output = common::contract()
        .args(["run", "--help"])
        .env("CONTRACT_TOKEN", "s3cr3t-token-value")
        .env("CONTRACT_CLIENT_SECRET", "s3cr3t-client-value")
        .output()
        .unwrap();
    let help = text(&output);
    for variable in [
        "CONTRACT_CASES",
        "CONTRACT_SCHEMAS",
        "CONTRACT_BASE_URL",
        "CONTRACT_VARS",
        "CONTRACT_TOKEN",
        "CONTRACT_TOKEN_URL",
        "CONTRACT_CLIENT_ID",
        "CONTRACT_CLIENT_SECRET",
        "CONTRACT_SCOPE",
        "CONTRACT_HEADERS",
        "CONTRACT_ALLOW_WRITES",
        "CONTRACT_TIMEOUT",
        "CONTRACT_CONNECT_TIMEOUT",
        "CONTRACT_CACERT",
        "CONTRACT_RETRIES",
        "CONTRACT_RPS",
        "CONTRACT_MAX_BODY",
        "CONTRACT_REPORT_DIR",
        "CONTRACT_REPORT_LINK_BASE",
    ] {
        assert!(
            help.contains(&format!("[env: {variable}")),
            "{variable} missing:\n{help}"
        );
    }
    assert!(!help.contains("s3cr3t"), "{help}");
}

#[test]
fn an_empty_variable_reads_as_unset() {
    let output = common::contract()
        .args(["run", "--cases"])
        .arg(common::cases())
        .env("CONTRACT_BASE_URL", "")
        .env("CONTRACT_TIMEOUT", " ")
        .output()
        .unwrap();
    let text = text(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("against the embedded mock"), "{text}");
}
