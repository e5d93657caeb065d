//! Findings: problems in the documentation itself, with the file and line a person must edit.
//!
//! The parser, the case builder and `contract lint` all report through this one type, so that
//! every consumer (terminal, reports, CI annotations) renders them the same way.

use serde::{Deserialize, Serialize};
use std::fmt;

/// How bad a finding is. Errors make `contract lint` exit non-zero; warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// What the tool did with something the writer chose (an ignored request's response is
    /// not checked); nothing to fix unless it was not meant.
    Note,
    /// Worth a look, never fails anything.
    Warning,
    /// The page is wrong and should be fixed.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Every rule a finding can come from. The kebab-case name is what reports, JUnit and
/// `--format json` print, stable across releases; README's rule table is tested against
/// [`Rule::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// An annotation comment that is not readable JSON.
    AnnotationSyntax,
    /// Front matter that is not YAML.
    FrontMatter,
    /// A `TODO` left in the page.
    Todo,
    /// A `blockType` no tool knows.
    UnknownBlockType,
    /// A response block that no request block is paired with.
    ResponseWithoutRequest,
    /// A request without a response block.
    RequestWithoutResponse,
    /// A request URL that cannot be sent.
    BadUrl,
    /// A request block that does not start with `METHOD URL`.
    RequestLine,
    /// A response block without a readable status line.
    StatusLine,
    /// A body on a status that has none (1xx, 204, 304).
    BodyWithNoContent,
    /// An `@odata.type` no schema describes.
    UnknownOdataType,
    /// The docs generator's "could not find the collection URI" leftovers.
    GeneratorUrl,
    /// A `Content-Length` header that disagrees with the body.
    ContentLength,
    /// A body that is JSON only when read leniently (comments, trailing commas, `...`).
    LenientJson,
    /// A body that claims JSON and is not JSON.
    InvalidJson,
    /// A body that its type's JSON Schema rejects.
    Schema,
    /// A file in the cases folder that cannot be read.
    UnreadableFile,
    /// A page that is not UTF-8.
    NotUtf8,
    /// A scenario file that cannot be read, or a scenario that names nothing.
    ScenarioFile,
    /// An annotation that is JSON only when read leniently (trailing comma, comment).
    LenientAnnotation,
    /// A response whose request block is marked `ignored`: not checked, as the writer chose.
    IgnoredRequest,
    /// A request and its response written as HTTP examples with no annotations: nothing tests them.
    MissingAnnotation,
    /// A response whose JSON body is in the next code block instead of its own.
    SplitResponse,
    /// A JSON request body without a `Content-Type` header.
    MissingContentType,
    /// An annotation and its body disagree on whether the body is a collection.
    CollectionMismatch,
    /// An enum member in a request body written in another case than the schema's.
    EnumCase,
    /// A resource page that disagrees with itself or with the other pages.
    Resource,
    /// A relative link to a page, anchor or file that is not there.
    Link,
    /// A documented resource that the metadata (CSDL) does not describe the same way.
    MetadataDrift,
    /// A value outside its enumeration.
    Enum,
    /// Something in an ApiDoctor scenario file that ApiDoctor ignores: it runs as ApiDoctor runs it.
    ScenarioIgnored,
    /// An accounts file that cannot be read, or an account that cannot be used.
    AccountsFile,
}

impl Rule {
    /// Every rule, in the order README's table lists them.
    pub const ALL: [Rule; 32] = [
        Rule::AnnotationSyntax,
        Rule::FrontMatter,
        Rule::Todo,
        Rule::UnknownBlockType,
        Rule::ResponseWithoutRequest,
        Rule::RequestWithoutResponse,
        Rule::BadUrl,
        Rule::RequestLine,
        Rule::StatusLine,
        Rule::BodyWithNoContent,
        Rule::UnknownOdataType,
        Rule::GeneratorUrl,
        Rule::ContentLength,
        Rule::LenientJson,
        Rule::InvalidJson,
        Rule::Schema,
        Rule::UnreadableFile,
        Rule::NotUtf8,
        Rule::ScenarioFile,
        Rule::LenientAnnotation,
        Rule::IgnoredRequest,
        Rule::MissingAnnotation,
        Rule::SplitResponse,
        Rule::MissingContentType,
        Rule::CollectionMismatch,
        Rule::EnumCase,
        Rule::Resource,
        Rule::Link,
        Rule::MetadataDrift,
        Rule::Enum,
        Rule::ScenarioIgnored,
        Rule::AccountsFile,
    ];

    /// The stable kebab-case name (`annotation-syntax`).
    pub fn name(self) -> &'static str {
        match self {
            Rule::AnnotationSyntax => "annotation-syntax",
            Rule::FrontMatter => "front-matter",
            Rule::Todo => "todo",
            Rule::UnknownBlockType => "unknown-block-type",
            Rule::ResponseWithoutRequest => "response-without-request",
            Rule::RequestWithoutResponse => "request-without-response",
            Rule::BadUrl => "bad-url",
            Rule::RequestLine => "request-line",
            Rule::StatusLine => "status-line",
            Rule::BodyWithNoContent => "body-with-no-content",
            Rule::UnknownOdataType => "unknown-odata-type",
            Rule::GeneratorUrl => "generator-url",
            Rule::ContentLength => "content-length",
            Rule::LenientJson => "lenient-json",
            Rule::InvalidJson => "invalid-json",
            Rule::Schema => "schema",
            Rule::UnreadableFile => "unreadable-file",
            Rule::NotUtf8 => "not-utf8",
            Rule::ScenarioFile => "scenario-file",
            Rule::LenientAnnotation => "lenient-annotation",
            Rule::IgnoredRequest => "ignored-request",
            Rule::MissingAnnotation => "missing-annotation",
            Rule::SplitResponse => "split-response",
            Rule::MissingContentType => "missing-content-type",
            Rule::CollectionMismatch => "collection-mismatch",
            Rule::EnumCase => "enum-case",
            Rule::Resource => "resource",
            Rule::Link => "link",
            Rule::MetadataDrift => "metadata-drift",
            Rule::Enum => "enum",
            Rule::ScenarioIgnored => "scenario-ignored",
            Rule::AccountsFile => "accounts-file",
        }
    }

    /// The severities its findings can have, as README's table says them: most rules have
    /// one; `resource` says a property the table lists and the JSON lacks as a warning.
    pub fn severities(self) -> &'static str {
        match self {
            Rule::Resource | Rule::AccountsFile => "error, warning",
            other => match other.severity() {
                Severity::Note => "note",
                Severity::Warning => "warning",
                Severity::Error => "error",
            },
        }
    }

    /// How bad a finding of this rule is (its usual severity): errors make `contract lint`
    /// exit non-zero.
    pub fn severity(self) -> Severity {
        match self {
            Rule::Todo
            | Rule::UnknownBlockType
            | Rule::ResponseWithoutRequest
            | Rule::BodyWithNoContent
            | Rule::UnknownOdataType
            | Rule::ContentLength
            | Rule::LenientJson
            | Rule::NotUtf8
            | Rule::LenientAnnotation
            | Rule::MissingAnnotation
            | Rule::MissingContentType
            | Rule::EnumCase
            | Rule::ScenarioIgnored => Severity::Warning,
            Rule::IgnoredRequest => Severity::Note,
            Rule::AnnotationSyntax
            | Rule::FrontMatter
            | Rule::RequestWithoutResponse
            | Rule::BadUrl
            | Rule::RequestLine
            | Rule::StatusLine
            | Rule::GeneratorUrl
            | Rule::InvalidJson
            | Rule::Schema
            | Rule::UnreadableFile
            | Rule::ScenarioFile
            | Rule::SplitResponse
            | Rule::CollectionMismatch
            | Rule::Resource
            | Rule::Link
            | Rule::MetadataDrift
            | Rule::Enum
            | Rule::AccountsFile => Severity::Error,
        }
    }

    /// What a finding of this rule is about, in a few words (README's rule table).
    pub fn about(self) -> &'static str {
        match self {
            Rule::AnnotationSyntax => "An annotation comment that is not readable JSON",
            Rule::FrontMatter => "Front matter that is not YAML",
            Rule::Todo => "A `TODO` left in the page",
            Rule::UnknownBlockType => "A `blockType` no tool knows",
            Rule::ResponseWithoutRequest => "A response block that no request block is paired with",
            Rule::RequestWithoutResponse => "A request without a response block",
            Rule::BadUrl => "A request URL that cannot be sent",
            Rule::RequestLine => "A request block that does not start with `METHOD URL`",
            Rule::StatusLine => "A response block without a readable status line",
            Rule::BodyWithNoContent => "A body on a status that has none (1xx, 204, 304)",
            Rule::UnknownOdataType => "An `@odata.type` no schema describes",
            Rule::GeneratorUrl => {
                "The docs generator's `** Collection URI ... not found` leftovers"
            }
            Rule::ContentLength => "A `Content-Length` header that disagrees with the body",
            Rule::LenientJson => {
                "A body that is JSON only when read leniently (comments, trailing commas, `...`)"
            }
            Rule::InvalidJson => "A body that claims JSON and is not JSON",
            Rule::Schema => "A body that its type's JSON Schema rejects",
            Rule::UnreadableFile => "A file in the cases folder that cannot be read",
            Rule::NotUtf8 => "A page that is not UTF-8",
            Rule::ScenarioFile => {
                "A scenario file that cannot be read, or a scenario that names nothing"
            }
            Rule::LenientAnnotation => {
                "An annotation that is JSON only when read leniently (trailing comma, comment)"
            }
            Rule::IgnoredRequest => {
                "A response whose request block is marked `ignored`: not checked, as the writer chose"
            }
            Rule::MissingAnnotation => {
                "A request and its response written as HTTP examples with no annotations: nothing tests them"
            }
            Rule::SplitResponse => {
                "A response whose JSON body is in the next code block instead of its own"
            }
            Rule::MissingContentType => "A JSON request body without a `Content-Type` header",
            Rule::CollectionMismatch => {
                "An annotation and its body disagree on whether the body is a collection"
            }
            Rule::EnumCase => {
                "An enum member in a request body written in another case than the schema's"
            }
            Rule::Resource => {
                "A resource page that disagrees with itself or the other pages: JSON against table, undefined base or property type, key property, a type defined twice"
            }
            Rule::Link => {
                "A relative link to a missing page or anchor, to a file whose name differs in case, or to a folder"
            }
            Rule::MetadataDrift => {
                "A documented resource the metadata lacks, or a property it lacks or types otherwise"
            }
            Rule::Enum => "A value outside its enumeration (a member the enumeration does not list)",
            Rule::ScenarioIgnored => {
                "Something in an ApiDoctor scenario file that ApiDoctor ignores (an unknown key, a header without its colon, a `method` no request is called): it runs as ApiDoctor runs it"
            }
            Rule::AccountsFile => {
                "An accounts file that cannot be read (error), or an account that is disabled because a `$env:` variable is unset (warning)"
            }
        }
    }

    /// One line on how to fix a finding of this rule.
    pub fn fix(self) -> &'static str {
        match self {
            Rule::AnnotationSyntax => "make the `<!-- { ... } -->` comment strict JSON",
            Rule::FrontMatter => "make the front matter between the `---` lines valid YAML",
            Rule::Todo => "finish the text, or remove the TODO",
            Rule::UnknownBlockType => {
                "use request, response, resource, example or ignored as `blockType`"
            }
            Rule::ResponseWithoutRequest => {
                "annotate the request before it, or mark the response `\"blockType\": \"ignored\"`"
            }
            Rule::RequestWithoutResponse => {
                "add the response block after the request, annotated `\"blockType\": \"response\"`"
            }
            Rule::BadUrl => {
                "write the URL absolute or relative to the service root, without spaces"
            }
            Rule::RequestLine => "start the block with `METHOD URL`, e.g. `GET /me`",
            Rule::StatusLine => "start the block with a status line, e.g. `HTTP/1.1 200 OK`",
            Rule::BodyWithNoContent => "remove the body, or document the status that carries it",
            Rule::UnknownOdataType => {
                "fix the type name, or add its schema (`contract schemas import`)"
            }
            Rule::GeneratorUrl => "replace the generator's placeholder with the real URL",
            Rule::ContentLength => "remove the header, or give the body's length in bytes",
            Rule::LenientJson => "remove comments, trailing commas and `...` from the body",
            Rule::InvalidJson => "make the body JSON, or drop its JSON content type",
            Rule::Schema => "make the example agree with its type, or fix the type",
            Rule::UnreadableFile => "make the file readable, or remove it from the cases folder",
            Rule::NotUtf8 => "save the page as UTF-8",
            Rule::ScenarioFile => "fix the scenario file at the line given",
            Rule::LenientAnnotation => "make the annotation strict JSON: no trailing comma, no comment",
            Rule::IgnoredRequest => {
                "annotate the request `\"blockType\": \"request\"` to have the pair checked"
            }
            Rule::MissingAnnotation => {
                "annotate the request `\"blockType\": \"request\"` and the response `\"blockType\": \"response\"`"
            }
            Rule::SplitResponse => "move the JSON into the response block, after a blank line",
            Rule::MissingContentType => "add `Content-Type: application/json` to the request",
            Rule::CollectionMismatch => "make `isCollection` say what the body shows",
            Rule::EnumCase => "write the member as the schema spells it",
            Rule::Resource => "make the JSON representation, the tables and the annotation agree",
            Rule::Link => "point the link at the page and heading as they are spelt",
            Rule::MetadataDrift => "make the resource page and the CSDL agree",
            Rule::Enum => "use a member the enumeration lists, or add the value to it",
            Rule::ScenarioIgnored => "remove what is ignored, or write it as the message says",
            Rule::AccountsFile => "fix the accounts file at the line given, or set the variable it names",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Lets a test, or a tool built on this crate, compare with the name it printed.
impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.name() == *other
    }
}

/// A place in a file a person can open: the file as given to the tool (relative to the cases
/// folder where there is one) and a 1-based line.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Loc {
    /// The file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
}

impl Loc {
    /// `file:line`.
    pub fn new(file: &str, line: usize) -> Loc {
        Loc {
            file: file.to_owned(),
            line,
        }
    }
}

/// `file:line`, as editors and terminals link it.
impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// A message about a place: `file:line: message` when shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Where.
    pub at: Loc,
    /// What.
    pub message: String,
}

impl Located {
    /// `message` about `file:line`.
    pub fn new(file: &str, line: usize, message: impl Into<String>) -> Located {
        Located {
            at: Loc::new(file, line),
            message: message.into(),
        }
    }
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// One problem found in a documentation page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Error or warning: the rule's ([`Rule::severity`]).
    pub severity: Severity,
    /// The rule that found it.
    pub rule: Rule,
    /// The page, as given to the tool (relative to the cases folder where there is one).
    pub file: String,
    /// 1-based line of the offending text (not of the enclosing block).
    pub line: usize,
    /// What is wrong and, where it helps, what to do.
    pub message: String,
}

impl Finding {
    /// A finding of `rule`, with the rule's severity.
    pub fn new(rule: Rule, file: &str, line: usize, message: impl Into<String>) -> Self {
        Finding {
            severity: rule.severity(),
            rule,
            file: file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

impl Finding {
    /// The same finding at another severity, for the rules whose findings differ in it.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// Rendered like a compiler diagnostic: `file:line: severity[rule]: message`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}[{}]: {}",
            self.file, self.line, self.severity, self.rule, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_round_trip_and_unknown_names_are_refused() {
        for rule in Rule::ALL {
            let json = serde_json::to_string(&rule).unwrap();
            assert_eq!(json, format!("\"{}\"", rule.name()));
            assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), rule);
        }
        let error = serde_json::from_str::<Rule>("\"no-such-rule\"").unwrap_err();
        assert!(error.to_string().contains("no-such-rule"), "{error}");
    }

    /// README's table of lint rules, as [`Rule`] makes it.
    fn rule_table() -> String {
        let mut table =
            String::from("| Rule | Severity | Finds | How to fix |\n| --- | --- | --- | --- |\n");
        for rule in Rule::ALL {
            table.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                rule.name(),
                rule.severities(),
                rule.about().replace('|', "\\|"),
                rule.fix().replace('|', "\\|")
            ));
        }
        table
    }

    #[test]
    fn readme_lists_every_rule_as_the_enum_says() {
        let readme = include_str!("../../README.md");
        let table = rule_table();
        assert!(
            readme.contains(&table),
            "README.md's rule table is out of date; replace it with:\n{table}"
        );
    }
}
