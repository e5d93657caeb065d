//! Sharding a run over several machines, with nextest's vocabulary and meaning: `count:K/N`
//! takes every N-th case of the sorted ids, starting at the K-th; `hash:K/N` takes the cases
//! whose id hashes to K, so that adding or removing a page moves no other case between shards.

use std::fmt;
use std::str::FromStr;

/// Which share of the cases one shard runs: shard `shard` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    /// How cases are dealt out.
    pub kind: PartitionKind,
    /// This shard, from 1 to `total`.
    pub shard: u64,
    /// How many shards there are.
    pub total: u64,
}

/// How cases are dealt out to shards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionKind {
    /// Round-robin over the sorted ids: even shards, but a new case shifts the rest.
    Count,
    /// By a stable hash of the id (xxh3): a case stays in its shard whatever else changes.
    Hash,
}

impl Partition {
    /// The ids this shard keeps, as a mask over `ids` in their given order.
    pub fn select<'a>(&self, ids: impl IntoIterator<Item = &'a str>) -> Vec<bool> {
        let ids: Vec<&str> = ids.into_iter().collect();
        match self.kind {
            PartitionKind::Hash => ids
                .iter()
                .map(|id| xxhash_rust::xxh3::xxh3_64(id.as_bytes()) % self.total == self.shard - 1)
                .collect(),
            PartitionKind::Count => {
                let mut order: Vec<usize> = (0..ids.len()).collect();
                order.sort_by_key(|&i| ids[i]);
                let mut keep = vec![false; ids.len()];
                for (rank, &index) in order.iter().enumerate() {
                    keep[index] = rank as u64 % self.total == self.shard - 1;
                }
                keep
            }
        }
    }
}

impl FromStr for Partition {
    type Err = String;

    /// `hash:K/N` or `count:K/N`, with 1 ≤ K ≤ N.
    fn from_str(text: &str) -> Result<Partition, String> {
        let expected = "expected hash:K/N or count:K/N with 1 <= K <= N, such as hash:1/3";
        let (kind, share) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}`: {expected}"))?;
        let kind = match kind {
            "hash" => PartitionKind::Hash,
            "count" => PartitionKind::Count,
            other => return Err(format!("unknown partition kind `{other}`: {expected}")),
        };
        let (shard, total) = share
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: {expected}"))?;
        let number = |s: &str| {
            s.trim()
                .parse::<u64>()
                .map_err(|_| format!("`{s}` in `{text}` is not a whole number: {expected}"))
        };
        let (shard, total) = (number(shard)?, number(total)?);
        if shard == 0 || total == 0 || shard > total {
            return Err(format!("`{text}`: {expected}"));
        }
        Ok(Partition { kind, shard, total })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            PartitionKind::Count => "count",
            PartitionKind::Hash => "hash",
        };
        write!(f, "{kind}:{}/{}", self.shard, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("v1.0::page_{i}::example")).collect()
    }

    #[test]
    fn every_case_is_in_exactly_one_shard() {
        let ids = ids(101);
        for kind in ["hash", "count"] {
            for total in [2, 3] {
                let mut seen = vec![0; ids.len()];
                for shard in 1..=total {
                    let partition: Partition = format!("{kind}:{shard}/{total}").parse().unwrap();
                    for (i, keep) in partition
                        .select(ids.iter().map(String::as_str))
                        .into_iter()
                        .enumerate()
                    {
                        seen[i] += usize::from(keep);
                    }
                }
                assert!(seen.iter().all(|&n| n == 1), "{kind} {total}: {seen:?}");
            }
        }
    }

    #[test]
    fn count_shards_are_even_and_hash_shards_stable_under_added_cases() {
        let ids = ids(90);
        let count: Partition = "count:2/3".parse().unwrap();
        assert_eq!(
            count
                .select(ids.iter().map(String::as_str))
                .iter()
                .filter(|k| **k)
                .count(),
            30
        );
        let hash: Partition = "hash:2/3".parse().unwrap();
        let before = hash.select(ids.iter().map(String::as_str));
        let mut more = ids.clone();
        more.insert(40, "v1.0::new_page::example".to_owned());
        let mut after = hash.select(more.iter().map(String::as_str));
        after.remove(40);
        assert_eq!(before, after);
    }

    #[test]
    fn bad_partitions_say_what_is_expected() {
        for bad in [
            "hash",
            "hash:0/2",
            "hash:3/2",
            "count:1/0",
            "slice:1/2",
            "hash:a/2",
        ] {
            let error = bad.parse::<Partition>().unwrap_err();
            assert!(error.contains("hash:K/N or count:K/N"), "{bad}: {error}");
        }
        assert_eq!(
            "count:2/3".parse::<Partition>().unwrap().to_string(),
            "count:2/3"
        );
    }
}
