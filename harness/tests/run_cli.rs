//! `contract run` as a user types it: what it says when there is little to say.

mod common;

#[test]
fn a_filter_that_matches_nothing_says_so() {
    let run = common::contract()
        .args(["run", "--filter", "no-such-case"])
        .arg("--cases")
        .arg(common::cases())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    // As with `cargo test`, an empty selection is not a failure.
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("note: no case id contains \"no-such-case\" ("),
        "{stderr}"
    );
    assert!(
        stderr.contains(" cases found; `contract list` shows their ids)"),
        "{stderr}"
    );
}
