//! The `contract` command as a user types it: what it says when there is little to say, and its
//! shell completions.

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

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef contract"),
        ("fish", "complete -c contract"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = common::contract()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(marker), "{shell}: {script:.200}");
        // Every subcommand and the new flags are offered.
        for word in ["merge", "partition", "no-validate"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
}
