//! OData CSDL (XML) → a small model of the types a JSON body can hold.
//!
//! Only what a body's shape depends on is read: entity, complex and enum types, type
//! definitions, their properties and base types. Operations, entity sets and vocabulary
//! annotations are ignored. Type names are stored fully qualified, with aliases resolved
//! (`graph.entity` → `microsoft.graph.entity`), so that the generator never sees an alias.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The types of one CSDL document, by qualified name (`microsoft.graph.user`).
#[derive(Debug, Default)]
pub struct Model {
    /// Qualified name → type; ordered so that generated output is stable.
    pub types: BTreeMap<String, TypeDef>,
    /// True when the document declares `IEEE754Compatible` (64-bit integers and decimals may
    /// then travel as JSON strings).
    pub ieee754_compatible: bool,
}

/// One named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Namespace, e.g. `microsoft.graph`.
    pub namespace: String,
    /// Simple name, e.g. `user`.
    pub name: String,
    /// What kind of type, with its kind-specific parts.
    pub kind: TypeKind,
    /// 1-based line of the declaration in the CSDL file.
    pub line: usize,
}

impl TypeDef {
    /// `namespace.name`.
    pub fn qualified(&self) -> String {
        format!("{}.{}", self.namespace, self.name)
    }
}

/// The kinds of type a body can hold.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An `EntityType` or `ComplexType`.
    Structured(Structured),
    /// An `EnumType`.
    Enum {
        /// Member names, in document order.
        members: Vec<String>,
        /// `IsFlags="true"`: a value is a comma-separated list of members.
        flags: bool,
    },
    /// A `TypeDefinition`: a named primitive type (`UnderlyingType`, qualified).
    Definition {
        /// The primitive type it stands for, e.g. `Edm.String`.
        underlying: String,
    },
}

/// An entity or complex type.
#[derive(Debug, Clone)]
pub struct Structured {
    /// True for `EntityType`, false for `ComplexType`.
    pub entity: bool,
    /// Qualified base type, when there is one.
    pub base: Option<String>,
    /// `Abstract="true"`.
    pub abstract_: bool,
    /// `OpenType="true"`: undeclared (dynamic) properties are allowed.
    pub open: bool,
    /// Declared properties, structural and navigation, in document order.
    pub properties: Vec<Property>,
}

/// One declared property.
#[derive(Debug, Clone)]
pub struct Property {
    /// Property name as it appears in JSON.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// `Nullable` is not `false`. For a collection it is about the items.
    pub nullable: bool,
    /// A `NavigationProperty`: present in a body only when expanded.
    pub navigation: bool,
    /// 1-based line in the CSDL file.
    pub line: usize,
}

/// A property's type: a qualified type name, possibly in a collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeRef {
    /// `Collection(…)`.
    pub collection: bool,
    /// Qualified name (`Edm.String`, `microsoft.graph.identitySet`).
    pub name: String,
}

/// Why a CSDL file could not be turned into a model.
#[derive(Debug, thiserror::Error)]
pub enum CsdlError {
    /// The file cannot be read.
    #[error("failed to read the CSDL file {path}: {source}; check the --csdl path")]
    Read {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The file is not well-formed XML.
    #[error("{path}:{line}:{column}: the CSDL is not well-formed XML: {message}")]
    Xml {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The XML parser's message.
        message: String,
    },
    /// The XML is not CSDL: no `Schema` element, or an element misses a required attribute.
    #[error("{path}:{line}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What is wrong and what to do.
        message: String,
    },
    /// Types are referenced that the document does not declare.
    #[error("{path}: {} type reference(s) name no declared type, first at line {}: `{}` (for {}); declare the type, or map its namespace alias with --namespace-alias ALIAS=NAMESPACE", .unknown.len(), .unknown[0].line, .unknown[0].name, .unknown[0].from)]
    UnknownTypes {
        /// The file.
        path: PathBuf,
        /// Every unresolved reference.
        unknown: Vec<UnknownType>,
    },
}

/// A type reference that names no declared type.
#[derive(Debug, Clone)]
pub struct UnknownType {
    /// The name as resolved (aliases applied).
    pub name: String,
    /// What refers to it, e.g. `microsoft.graph.user/manager`.
    pub from: String,
    /// 1-based line of the reference.
    pub line: usize,
}

/// Reads a CSDL file. `extra_aliases` maps alias → namespace for aliases the document uses
/// but does not declare (a document split over several files, say).
pub fn read(path: &Path, extra_aliases: &[(String, String)]) -> Result<Model, CsdlError> {
    let text = std::fs::read_to_string(path).map_err(|source| CsdlError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path, extra_aliases)
}

/// Parses CSDL text; `path` only names the file in errors.
pub fn parse(
    text: &str,
    path: &Path,
    extra_aliases: &[(String, String)],
) -> Result<Model, CsdlError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..roxmltree::ParsingOptions::default()
    };
    let document = roxmltree::Document::parse_with_options(text, options).map_err(|error| {
        let position = error.pos();
        CsdlError::Xml {
            path: path.to_owned(),
            line: position.row,
            column: position.col,
            // roxmltree ends its message with the position, which the error prints first.
            message: error
                .to_string()
                .trim_end_matches(&format!(" at {}:{}", position.row, position.col))
                .to_owned(),
        }
    })?;
    let schemas: Vec<_> = document
        .descendants()
        .filter(|n| n.tag_name().name() == "Schema")
        .collect();
    if schemas.is_empty() {
        return Err(CsdlError::Invalid {
            path: path.to_owned(),
            line: 1,
            message: "no <Schema> element: this is not an OData CSDL document (expected edmx:Edmx/edmx:DataServices/Schema)".to_owned(),
        });
    }
    let reader = Reader::new(&document, text, path, extra_aliases);
    let mut model = Model {
        ieee754_compatible: document.descendants().any(|node| {
            node.tag_name().name() == "Annotation"
                && node
                    .attribute("Term")
                    .is_some_and(|t| t.ends_with("IEEE754Compatible"))
                && node.attribute("Bool") != Some("false")
        }),
        ..Model::default()
    };
    for schema in schemas {
        let namespace = schema.attribute("Namespace").ok_or_else(|| {
            reader.invalid(schema, "<Schema> has no Namespace attribute".to_owned())
        })?;
        for node in schema.children().filter(roxmltree::Node::is_element) {
            let Some(def) = reader.type_def(node, namespace)? else {
                continue;
            };
            if let Some(previous) = model.types.get(&def.qualified()) {
                return Err(reader.invalid(
                    node,
                    format!(
                        "{} is declared twice (first at line {}); keep one declaration",
                        def.qualified(),
                        previous.line
                    ),
                ));
            }
            model.types.insert(def.qualified(), def);
        }
    }
    let unknown = model.unknown_references();
    if !unknown.is_empty() {
        return Err(CsdlError::UnknownTypes {
            path: path.to_owned(),
            unknown,
        });
    }
    Ok(model)
}

/// What reading declarations needs besides the node: where it is, and the namespace aliases.
struct Reader<'a> {
    path: &'a Path,
    // Not `Document::text_pos_at`: it scans from the start on every call.
    lines: crate::text::LineIndex,
    aliases: HashMap<String, String>,
}

impl<'a> Reader<'a> {
    fn new(
        document: &roxmltree::Document<'_>,
        text: &str,
        path: &'a Path,
        extra_aliases: &[(String, String)],
    ) -> Self {
        let mut aliases: HashMap<String, String> = extra_aliases.iter().cloned().collect();
        // Schema aliases, and aliases of referenced documents (edmx:Include).
        for node in document.descendants() {
            if matches!(node.tag_name().name(), "Schema" | "Include") {
                if let (Some(alias), Some(namespace)) =
                    (node.attribute("Alias"), node.attribute("Namespace"))
                {
                    aliases.insert(alias.to_owned(), namespace.to_owned());
                }
            }
        }
        Reader {
            path,
            lines: crate::text::LineIndex::new(text),
            aliases,
        }
    }

    fn line_of(&self, node: roxmltree::Node<'_, '_>) -> usize {
        self.lines.line(node.range().start)
    }

    fn invalid(&self, node: roxmltree::Node<'_, '_>, message: String) -> CsdlError {
        CsdlError::Invalid {
            path: self.path.to_owned(),
            line: self.line_of(node),
            message,
        }
    }

    /// `graph.user` → `microsoft.graph.user` when `graph` is an alias.
    fn qualify(&self, name: &str) -> String {
        match name.rsplit_once('.') {
            Some((namespace, simple)) => match self.aliases.get(namespace) {
                Some(full) => format!("{full}.{simple}"),
                None => name.to_owned(),
            },
            None => name.to_owned(),
        }
    }

    fn type_ref(&self, raw: &str) -> TypeRef {
        let raw = raw.trim();
        match raw
            .strip_prefix("Collection(")
            .and_then(|r| r.strip_suffix(')'))
        {
            Some(inner) => TypeRef {
                collection: true,
                name: self.qualify(inner.trim()),
            },
            None => TypeRef {
                collection: false,
                name: self.qualify(raw),
            },
        }
    }

    /// The type a schema child declares; `None` for children that declare no type.
    fn type_def(
        &self,
        node: roxmltree::Node<'_, '_>,
        namespace: &str,
    ) -> Result<Option<TypeDef>, CsdlError> {
        let kind_name = node.tag_name().name();
        if !matches!(
            kind_name,
            "EntityType" | "ComplexType" | "EnumType" | "TypeDefinition"
        ) {
            return Ok(None);
        }
        let name = node
            .attribute("Name")
            .ok_or_else(|| self.invalid(node, format!("<{kind_name}> has no Name attribute")))?;
        let kind = match kind_name {
            "EnumType" => TypeKind::Enum {
                members: node
                    .children()
                    .filter(|c| c.tag_name().name() == "Member")
                    .filter_map(|c| c.attribute("Name").map(str::to_owned))
                    .collect(),
                flags: node.attribute("IsFlags") == Some("true"),
            },
            "TypeDefinition" => TypeKind::Definition {
                underlying: self.qualify(node.attribute("UnderlyingType").ok_or_else(|| {
                    self.invalid(
                        node,
                        format!("<TypeDefinition Name=\"{name}\"> has no UnderlyingType"),
                    )
                })?),
            },
            _ => TypeKind::Structured(Structured {
                entity: kind_name == "EntityType",
                base: node.attribute("BaseType").map(|b| self.qualify(b)),
                abstract_: node.attribute("Abstract") == Some("true"),
                open: node.attribute("OpenType") == Some("true"),
                properties: self.properties(node, &format!("{namespace}.{name}"))?,
            }),
        };
        Ok(Some(TypeDef {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            kind,
            line: self.line_of(node),
        }))
    }

    /// The structural and navigation properties of an entity or complex type.
    fn properties(
        &self,
        node: roxmltree::Node<'_, '_>,
        qualified: &str,
    ) -> Result<Vec<Property>, CsdlError> {
        let mut properties = Vec::new();
        for child in node.children().filter(roxmltree::Node::is_element) {
            let navigation = match child.tag_name().name() {
                "Property" => false,
                "NavigationProperty" => true,
                _ => continue,
            };
            let (Some(property), Some(ty)) = (child.attribute("Name"), child.attribute("Type"))
            else {
                return Err(self.invalid(
                    child,
                    format!("a property of {qualified} needs both Name and Type"),
                ));
            };
            properties.push(Property {
                name: property.to_owned(),
                ty: self.type_ref(ty),
                nullable: child.attribute("Nullable") != Some("false"),
                navigation,
                line: self.line_of(child),
            });
        }
        Ok(properties)
    }
}

/// True for the primitive types of the `Edm` namespace.
pub fn is_edm(name: &str) -> bool {
    name.starts_with("Edm.")
}

impl Model {
    /// Every reference (base type, property type, underlying type) that names no type.
    fn unknown_references(&self) -> Vec<UnknownType> {
        let mut unknown = Vec::new();
        let mut check = |name: &str, from: String, line: usize| {
            if !is_edm(name) && !self.types.contains_key(name) {
                unknown.push(UnknownType {
                    name: name.to_owned(),
                    from,
                    line,
                });
            }
        };
        for (qualified, def) in &self.types {
            match &def.kind {
                TypeKind::Structured(s) => {
                    if let Some(base) = &s.base {
                        check(base, qualified.clone(), def.line);
                    }
                    for p in &s.properties {
                        check(&p.ty.name, format!("{qualified}/{}", p.name), p.line);
                    }
                }
                TypeKind::Definition { underlying } => {
                    check(underlying, qualified.clone(), def.line)
                }
                TypeKind::Enum { .. } => {}
            }
        }
        unknown
    }

    /// The structured type named `name`, when it is one.
    pub fn structured(&self, name: &str) -> Option<&Structured> {
        match &self.types.get(name)?.kind {
            TypeKind::Structured(s) => Some(s),
            _ => None,
        }
    }

    /// Type name → the types that derive from it directly, in name order.
    pub fn derived(&self) -> HashMap<&str, Vec<&str>> {
        let mut derived: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, def) in &self.types {
            if let TypeKind::Structured(Structured {
                base: Some(base), ..
            }) = &def.kind
            {
                derived
                    .entry(base.as_str())
                    .or_default()
                    .push(name.as_str());
            }
        }
        derived
    }

    /// Counts by kind: (entity, complex, enum, type definitions), of the `selection` only
    /// when one is given.
    pub fn counts(
        &self,
        selection: Option<&std::collections::BTreeSet<String>>,
    ) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for (name, def) in &self.types {
            if selection.is_some_and(|s| !s.contains(name)) {
                continue;
            }
            match &def.kind {
                TypeKind::Structured(s) if s.entity => counts.0 += 1,
                TypeKind::Structured(_) => counts.1 += 1,
                TypeKind::Enum { .. } => counts.2 += 1,
                TypeKind::Definition { .. } => counts.3 += 1,
            }
        }
        counts
    }

    /// Finds a type by name, case-insensitively, with or without `#` and with the
    /// `microsoft.graph` namespace assumed for a bare name (docs write all three).
    pub fn lookup(&self, name: &str) -> Option<&str> {
        if let Some((key, _)) = self
            .types
            .get_key_value(name.trim().trim_start_matches('#'))
        {
            return Some(key);
        }
        // The same normalisation as the schemas folder's lookup, so that every type a page can
        // name there can be imported here.
        let wanted = super::type_key(name);
        let bare = format!("microsoft.graph.{wanted}");
        self.types
            .keys()
            .find(|k| {
                let k = super::type_key(k);
                k == wanted || (!wanted.contains('.') && k == bare)
            })
            .map(String::as_str)
    }
}
