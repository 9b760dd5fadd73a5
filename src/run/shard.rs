//! `--shard i/n`: which outlets one of n cron jobs polls, by a stable hash of the outlet id.
//!
//! The hash is xxh3-64 of the id's UTF-8 bytes (stable across builds and machines, unlike std's
//! hasher), so an outlet stays in its shard from run to run and n jobs with n stores together
//! poll every outlet exactly once.

use std::fmt;
use std::str::FromStr;

/// Shard `index` of `count` (1-based: `1/8` … `8/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u64,
    count: u64,
}

impl Shard {
    /// True when the outlet with this id belongs to this shard.
    pub fn contains(&self, outlet_id: &str) -> bool {
        xxhash_rust::xxh3::xxh3_64(outlet_id.as_bytes()) % self.count == self.index - 1
    }

    /// True for shard 1, the one job that also runs work done once for all outlets (news
    /// search: several jobs asking at once would break the service's rate rule).
    pub fn is_first(&self) -> bool {
        self.index == 1
    }
}

impl FromStr for Shard {
    type Err = String;

    /// Parses `i/n` with 1 ≤ i ≤ n ≤ 1024; the error says what was expected.
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("{s}: a shard is i/n with 1 <= i <= n <= 1024, like 3/8");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || index > count || count > 1024 {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_split_outlets_without_overlap() {
        for bad in ["0/2", "3/2", "1", "a/b", "1/0", "1/2000", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let shards: Vec<Shard> = (1..=3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        assert_eq!(shards[1].to_string(), "2/3");
        let ids: Vec<String> = (0..300).map(|i| format!("outlet-{i}")).collect();
        let mut sizes = [0; 3];
        for id in &ids {
            let owners: Vec<usize> = (0..3).filter(|&s| shards[s].contains(id)).collect();
            assert_eq!(owners.len(), 1, "{id} is in exactly one shard");
            sizes[owners[0]] += 1;
        }
        assert!(sizes.iter().all(|&n| n > 50), "a fair split: {sizes:?}");
    }
}
