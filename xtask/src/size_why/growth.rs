//! `size-why --html --base`: each rectangle's growth since the base, taken from the diff engine's
//! two sides, so the report and `size-diff` against the same ref agree on every number.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::attribution::Attribution;
use crate::diff::Side;

use super::html::Kind;

/// Bytes gained (negative: lost) per rectangle of the page.
#[derive(Debug, Default)]
pub struct Growth {
    functions: HashMap<String, i64>,
    sections: HashMap<String, i64>,
}

impl Growth {
    /// The growth of the page drawn from `named` (whose side is `after`) since `before`.
    pub fn between(named: &Attribution, before: &Side, after: &Side) -> Self {
        let (was, is) = (before.by_function(), after.by_function());
        let bytes = |m: &BTreeMap<String, u64>, name: &str| {
            m.get(name)
                .map_or(0, |b| i64::try_from(*b).unwrap_or(i64::MAX))
        };
        let delta = |name: &str| bytes(&is, name) - bytes(&was, name);
        // The diff compares a name's bodies together (the numbers that tell them apart shift with
        // unrelated code); its change goes to the name's largest body, so a crate's sum is right.
        // `Side::of` keeps `named.functions` in order, one for one, with the numbers left out.
        let mut functions = HashMap::new();
        let mut seen = HashSet::new();
        for (page, side) in named.functions.iter().zip(&after.functions) {
            let change = if seen.insert(side.name.as_str()) {
                delta(&side.name)
            } else {
                0
            };
            functions.entry(page.name.clone()).or_insert(change);
        }
        let sections = after
            .sections
            .iter()
            .map(|(name, bytes)| (name.clone(), bytes - before.section(name)))
            .collect();
        Self {
            functions,
            sections,
        }
    }

    /// The growth of the rectangle `name` of `kind` (a crate's is its functions' sum, see
    /// [`super::html::ReportData::compare_with`]).
    pub fn of(&self, kind: Kind, name: &str) -> i64 {
        match kind {
            Kind::Function => self.functions.get(name).copied().unwrap_or(0),
            Kind::Section => self.section(name).unwrap_or(0),
            Kind::Crate => 0,
        }
    }

    /// The diff's section a page section draws: both name it by the same first word (`data
    /// segments` and `data`, `other sections: …` and `other sections (…)`).
    fn section(&self, page: &str) -> Option<i64> {
        let first = |name: &str| name.split_whitespace().next().unwrap_or("").to_owned();
        self.sections
            .iter()
            .find(|(name, _)| first(name) == first(page))
            .map(|(_, delta)| *delta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::attribute;
    use crate::diff::Sizes;
    use crate::size_why::html::{ReportData, Sizes as PageSizes};

    /// Every section rectangle of a page finds the diff section it draws.
    #[test]
    fn every_section_of_the_page_has_its_diff_section() {
        let module = crate::attribution::fixture();
        let named = attribute(&module, "cortex_core").unwrap();
        let side = Side::of(Sizes::default(), &named, &named);
        let empty = Side::default();
        let growth = Growth::between(&named, &empty, &side);
        let page = ReportData::new(
            "fixture",
            PageSizes {
                opt_bytes: 0,
                gzip_bytes: 0,
                brotli_bytes: 0,
                budget_bytes: 0,
            },
            &named,
            &named,
        );
        let sections: Vec<&str> = page
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Section)
            .map(|n| n.name.as_str())
            .collect();
        assert!(!sections.is_empty());
        for name in sections {
            assert!(
                growth.section(name).is_some(),
                "no diff section for `{name}`"
            );
        }
    }
}
