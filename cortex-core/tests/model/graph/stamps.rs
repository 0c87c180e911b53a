//! The times one store stamped on its nodes: read back after every put, checked against what the store
//! stamped before (a replaced node keeps its creation time, no time goes back), and logged.

use std::collections::BTreeMap;

use cortex_core::{GraphStore, Node, NodeId, Timestamp};

use super::{node, Answer, Op};

/// Each stored node's (created_at, updated_at), as one store stamped them.
#[derive(Debug, Default)]
pub(super) struct Stamps(BTreeMap<NodeId, (Timestamp, Timestamp)>);

impl Stamps {
    pub(super) fn created(&self, id: &NodeId) -> Option<Timestamp> {
        self.0.get(id).map(|&(created, _)| created)
    }

    fn stamp(&self, node: &mut Node) {
        if let Some(&(created, updated)) = self.0.get(&node.id) {
            (node.created_at, node.updated_at) = (created, updated);
        }
    }

    /// A reference answer with the times this store stamped filled into its nodes.
    pub(super) fn fill(&self, mut answer: Answer) -> Answer {
        match &mut answer {
            Answer::Node(Some(node)) => self.stamp(node),
            Answer::Nodes(nodes) => nodes.iter_mut().for_each(|n| self.stamp(n)),
            Answer::State(state) => state
                .iter_mut()
                .filter_map(|(node, _)| node.as_mut())
                .for_each(|n| self.stamp(n)),
            _ => {}
        }
        answer
    }

    /// Logs what `op`, answered with `answer`, did to the times of `graph`'s nodes.
    pub(super) fn observe(
        &mut self,
        graph: &dyn GraphStore,
        op: &Op,
        answer: &Answer,
    ) -> Result<(), String> {
        match (op, answer) {
            (Op::PutNode(put), Answer::Done) => {
                let id = node(put.node);
                let stored = graph.get_node(&id).map_err(|e| e.to_string())?;
                let stored = stored.ok_or("a node just put is absent")?;
                let (created, updated) = (stored.created_at, stored.updated_at);
                match self.0.get(&id) {
                    Some(&(was_created, was_updated))
                        if created != was_created || updated < was_updated =>
                    {
                        return Err(format!(
                            "replaced, ({was_created}, {was_updated}) became ({created}, {updated})"
                        ));
                    }
                    Some(_) => {}
                    None if created == 0 || updated != created => {
                        return Err(format!("new, stamped ({created}, {updated})"));
                    }
                    None => {}
                }
                self.0.insert(id, (created, updated));
            }
            (Op::RemoveNode(i), Answer::Flag(true)) => {
                self.0.remove(&node(*i));
            }
            _ => {}
        }
        Ok(())
    }
}
