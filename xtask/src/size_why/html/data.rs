//! What the report page is drawn from, embedded in it as JSON: the sizes of the artifact and a tree
//! of crates, their functions and the module's other sections, each with its bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::attribution::Attribution;

/// Everything the page shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReportData {
    pub artifact: String,
    pub sizes: Sizes,
    /// How far the named copy's code (where function names come from) is from the shipped code,
    /// in bytes; the rectangles add up to the shipped file plus this.
    pub code_delta: i64,
    /// The treemap's top level: crates (with their functions) largest first, then the sections.
    pub nodes: Vec<Node>,
    /// The revision the growth colours compare with; `None` colours by crate.
    pub base: Option<Base>,
}

/// The shipped module's sizes and its budget.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct Sizes {
    pub opt_bytes: u64,
    pub gzip_bytes: u64,
    pub brotli_bytes: u64,
    pub budget_bytes: u64,
}

/// The revision a report is compared with; each node's `delta` is its growth since then.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Base {
    /// As the user named it (`main`, `HEAD~3`, a commit).
    pub label: String,
    pub opt_bytes: u64,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Crate,
    Function,
    Section,
}

/// One rectangle: its area is `bytes`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Node {
    /// The full demangled name of a function, a crate's name, or what a section holds.
    pub name: String,
    pub kind: Kind,
    pub bytes: u64,
    /// A crate's functions, largest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// Bytes gained (negative: lost) since [`ReportData::base`]; absent without a base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<i64>,
}

impl Node {
    fn leaf(name: impl Into<String>, kind: Kind, bytes: u64) -> Self {
        Self {
            name: name.into(),
            kind,
            bytes,
            children: Vec::new(),
            delta: None,
        }
    }
}

impl ReportData {
    /// The report of `artifact`: functions and crates from `named` (the copy that keeps names),
    /// the other sections from `shipped` (the module that ships, whose sizes `sizes` are).
    pub fn new(artifact: &str, sizes: Sizes, named: &Attribution, shipped: &Attribution) -> Self {
        let mut crates: BTreeMap<&str, Vec<Node>> = BTreeMap::new();
        for function in &named.functions {
            crates.entry(&function.krate).or_default().push(Node::leaf(
                &function.name,
                Kind::Function,
                function.bytes,
            ));
        }
        let mut nodes: Vec<Node> = crates
            .into_iter()
            .map(|(krate, children)| Node {
                name: krate.to_owned(),
                kind: Kind::Crate,
                bytes: children.iter().map(|c| c.bytes).sum(),
                children,
                delta: None,
            })
            .collect();
        // `named.functions` is largest first, so each crate's children already are.
        nodes.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
        let sections = [
            ("data segments", shipped.data),
            ("custom sections", shipped.custom),
            (
                "other sections: header, types, imports, function and table indices, memory, \
                 globals, exports, elements",
                shipped.other,
            ),
            ("code section framing", named.code_framing),
        ];
        nodes.extend(
            sections
                .into_iter()
                .filter(|(_, bytes)| *bytes > 0)
                .map(|(name, bytes)| Node::leaf(name, Kind::Section, bytes)),
        );
        Self {
            artifact: artifact.to_owned(),
            sizes,
            code_delta: named.code as i64 - shipped.code as i64,
            nodes,
            base: None,
        }
    }

    /// Colours the report by growth against `base`: `delta_of(kind, name)` gives a function's or a
    /// section's growth in bytes since then (its whole size when it is new); a crate's is the sum.
    pub fn compare_with(&mut self, base: Base, delta_of: impl Fn(Kind, &str) -> i64) {
        for node in &mut self.nodes {
            if node.kind == Kind::Crate {
                for child in &mut node.children {
                    child.delta = Some(delta_of(child.kind, &child.name));
                }
                node.delta = Some(node.children.iter().filter_map(|c| c.delta).sum());
            } else {
                node.delta = Some(delta_of(node.kind, &node.name));
            }
        }
        self.base = Some(base);
    }

    /// The number of rectangles of the whole view: every crate, function and section.
    pub fn rectangles(&self) -> usize {
        self.nodes.iter().map(|n| 1 + n.children.len()).sum()
    }
}
