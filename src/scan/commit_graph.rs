//! git's commit-graph file, read by hand: a commit's committer time, its
//! parents and its corrected commit date without inflating the commit.
//!
//! # Why
//!
//! The walk ([`super::walk`]) needs only a commit's time and parents, and
//! reading them from the commit object costs an inflate and a parse. On
//! many small repositories most of the commits the walk reads are the
//! margin before the window (BENCHMARKS.md), which nothing but the walk
//! looks at. git's `gc` and `maintenance` write a commit-graph file by
//! default; it holds, per commit, the time, the parents and (since git 2.31)
//! the *corrected commit date*, which gives the walk an exact stop rule
//! (see [`Commit::bound`]). libgit2 1.9 reads the file only inside its own
//! `Revwalk`, and no maintained crate reads the corrected dates (gitoxide's
//! `gix-commitgraph` reads the rest, at the cost of some twenty crates), so
//! the chunks the walk needs are read here, from git's documented format
//! (`gitformat-commit-graph(5)`); the tests check each against git's own
//! answers.
//!
//! # What is read
//!
//! The header and the chunk table; the OID fanout (`OIDF`), the sorted ids
//! (`OIDL`), the commit data (`CDAT`: parents and time), the extra parents
//! of octopus merges (`EDGE`) and the corrected commit date offsets (`GDA2`,
//! `GDO2`). Bloom filters and the root tree are not read. A single file
//! (`objects/info/commit-graph`) is tried first, then a split chain
//! (`objects/info/commit-graphs/commit-graph-chain`), as git does. As git
//! does too, corrected dates are used only when every layer of a chain has
//! them.
//!
//! # When it is not used (the walk reads objects, as without a file)
//!
//! - No file, or one that is not what the format says: a bad signature,
//!   version or hash, chunk offsets outside the file, chunk sizes that do
//!   not match the commit count, a chain whose layers do not name each
//!   other. The file's checksum is not verified (git does not either on a
//!   read: it would hash megabytes for a few hundred lookups).
//! - A commit the file does not hold (it is older than the commits: *stale*)
//!   is read from its object; its parents may be in the file again.
//! - A commit whose entry names a parent position outside the graph, or
//!   whose time is 0 (git writes 0 for a date it could not parse), is read
//!   from its object.
//! - Histories git itself would not trust the file for: `git replace` refs
//!   in use, `info/grafts`, a shallow clone, `core.commitGraph = false`
//!   (decided in [`super::walk`]).
//!
//! What the file says is trusted where it is used: ids name immutable
//! objects, so a well-formed file is right about the commits it holds. Its
//! one known limit is git's own: the time is stored in 34 bits, so a
//! committer date after the year 2514 is read wrong.
//!
//! # Mapping
//!
//! The files are mapped, not read: git.git's file is 14 MB, of which a
//! two-week walk touches a few hundred entries. This is the second `unsafe`
//! in icu (the first is in [`super::tuning`]): a mapping is undefined if
//! the file is changed in place while mapped. git never does: it writes a
//! new commit-graph under a lock file and renames it over the old one (as
//! it does its packs, which libgit2 maps the same way), so the mapped file
//! stays as it was.

use std::fs::File;
use std::path::Path;

use git2::Oid;

/// Bytes in a SHA-1 id, the only hash libgit2 1.9 reads.
const HASH_LEN: usize = 20;
/// A parent slot that holds no parent.
const NO_PARENT: u32 = 0x7000_0000;
/// The bit that marks an extra-edge index (parent 2) or the last extra
/// edge, and an overflowing corrected date offset.
const HIGH_BIT: u32 = 0x8000_0000;

/// A commit as the graph holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Commit {
    /// Committer time, seconds since the epoch.
    pub(super) time: i64,
    pub(super) parents: Vec<Oid>,
    /// The corrected commit date, when every layer has one: no ancestor of
    /// this commit, nor the commit itself, has a committer time at or
    /// after it (git computes it as the larger of the commit's own time and
    /// one more than each parent's corrected date), so a walk whose every
    /// waiting commit has a bound before the window has nothing left to
    /// find.
    pub(super) bound: Option<i64>,
}

/// One file of the graph: a whole graph, or one layer of a split chain.
struct Layer {
    map: memmap2::Mmap,
    /// Commits in the layers below this one: the graph position of this
    /// layer's first commit.
    base: u32,
    /// Commits in this layer.
    count: u32,
    fanout: usize,
    ids: usize,
    data: usize,
    edges: Option<(usize, usize)>,
    /// `GDA2` and, when present, `GDO2` (offset, length).
    generation: Option<(usize, Option<(usize, usize)>)>,
    /// The checksum of each layer below, as this one names them (`BASE`).
    bases: Vec<Oid>,
    /// The file's checksum, its last bytes.
    checksum: Oid,
}

/// The commit-graph of a repository (see the module docs).
pub(super) struct CommitGraph {
    /// Base first.
    layers: Vec<Layer>,
    /// Whether every layer has corrected commit dates.
    corrected: bool,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn be64(b: &[u8], at: usize) -> Option<u64> {
    let s = b.get(at..at + 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(u64::from_be_bytes(a))
}

impl Layer {
    /// The file at `path` parsed, `base` commits below it; `None` when it
    /// is missing or not well formed.
    fn open(path: &Path, base: u32) -> Option<Layer> {
        let file = File::open(path).ok()?;
        // SAFETY: git replaces a commit-graph file by renaming a new one over
        // it and never changes one in place (see the module docs); every read
        // below is bounds-checked against the mapping's length.
        #[allow(unsafe_code)]
        let map = unsafe { memmap2::Mmap::map(&file) }.ok()?;
        Layer::parse(map, base)
    }

    fn parse(map: memmap2::Mmap, base: u32) -> Option<Layer> {
        let b: &[u8] = &map;
        // Header: signature, version 1, hash version 1 (SHA-1), chunks, bases.
        let header = b.get(..8)?;
        if &header[..6] != b"CGPH\x01\x01" {
            return None;
        }
        let (chunks, bases_n) = (usize::from(header[6]), usize::from(header[7]));
        let end = b.len().checked_sub(HASH_LEN)?;
        let mut table = Vec::with_capacity(chunks + 1);
        for i in 0..=chunks {
            let at = 8 + 12 * i;
            let id: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
            let offset = usize::try_from(be64(b, at + 4)?).ok()?;
            table.push((id, offset));
        }
        // Contiguous chunks, within the file, the last label 0 at the end.
        if table.last()? != &([0; 4], end) || table.windows(2).any(|w| w[0].1 > w[1].1) {
            return None;
        }
        let chunk = |want: &[u8; 4]| {
            let i = table.iter().position(|(id, _)| id == want)?;
            Some((table[i].1, table[i + 1].1 - table[i].1))
        };
        let (fanout, fanout_len) = chunk(b"OIDF")?;
        if fanout_len != 256 * 4 {
            return None;
        }
        let mut last = 0;
        for i in 0..256 {
            let n = be32(b, fanout + 4 * i)?;
            if n < last {
                return None;
            }
            last = n;
        }
        let count = last;
        let n = usize::try_from(count).ok()?;
        let (ids, ids_len) = chunk(b"OIDL")?;
        let (data, data_len) = chunk(b"CDAT")?;
        if ids_len != n * HASH_LEN || data_len != n * (HASH_LEN + 16) {
            return None;
        }
        let generation = match chunk(b"GDA2") {
            Some((at, len)) if len == n * 4 => Some((at, chunk(b"GDO2"))),
            Some(_) => return None,
            None => None,
        };
        let bases = match chunk(b"BASE") {
            Some((at, len)) if len == bases_n * HASH_LEN => b[at..at + len]
                .chunks(HASH_LEN)
                .map(|h| Oid::from_bytes(h).ok())
                .collect::<Option<Vec<_>>>()?,
            None if bases_n == 0 => Vec::new(),
            _ => return None,
        };
        let checksum = Oid::from_bytes(&b[end..]).ok()?;
        base.checked_add(count)?;
        Some(Layer {
            base,
            count,
            fanout,
            ids,
            data,
            edges: chunk(b"EDGE"),
            generation,
            bases,
            checksum,
            map,
        })
    }

    /// The position in this layer of the commit `oid`.
    fn find(&self, oid: Oid) -> Option<u32> {
        let b: &[u8] = &self.map;
        let key = oid.as_bytes();
        let first = usize::from(key[0]);
        let lo = if first == 0 {
            0
        } else {
            be32(b, self.fanout + 4 * (first - 1))?
        };
        let hi = be32(b, self.fanout + 4 * first)?;
        let (mut lo, mut hi) = (lo as usize, hi as usize);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let at = self.ids + mid * HASH_LEN;
            match b.get(at..at + HASH_LEN)?.cmp(key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return u32::try_from(mid).ok(),
            }
        }
        None
    }

    fn id_at(&self, pos: u32) -> Option<Oid> {
        let at = self.ids + pos as usize * HASH_LEN;
        Oid::from_bytes(self.map.get(at..at + HASH_LEN)?).ok()
    }
}

impl CommitGraph {
    /// The commit-graph under `objects` (a repository's objects directory):
    /// the single file, else the split chain; `None` when there is none or
    /// it is not well formed (see the module docs).
    pub(super) fn open(objects: &Path) -> Option<CommitGraph> {
        let info = objects.join("info");
        Layer::open(&info.join("commit-graph"), 0)
            .and_then(|l| CommitGraph::of(vec![l]))
            .or_else(|| CommitGraph::chain(&info.join("commit-graphs")))
    }

    /// A split chain: `commit-graph-chain` names each layer's checksum,
    /// base first, and each layer names those below it.
    fn chain(dir: &Path) -> Option<CommitGraph> {
        let list = std::fs::read_to_string(dir.join("commit-graph-chain")).ok()?;
        let mut layers: Vec<Layer> = Vec::new();
        for line in list.lines().filter(|l| !l.is_empty()) {
            let sum = Oid::from_str(line).ok()?;
            let base = layers.last().map_or(0, |l| l.base + l.count);
            let layer = Layer::open(&dir.join(format!("graph-{line}.graph")), base)?;
            let below: Vec<Oid> = layers.iter().map(|l| l.checksum).collect();
            if layer.checksum != sum || layer.bases != below {
                return None;
            }
            layers.push(layer);
        }
        CommitGraph::of(layers)
    }

    fn of(layers: Vec<Layer>) -> Option<CommitGraph> {
        if layers.is_empty() || !layers[0].bases.is_empty() {
            return None;
        }
        let corrected = layers.iter().all(|l| l.generation.is_some());
        Some(CommitGraph { layers, corrected })
    }

    /// The layer holding graph position `pos`, and the position in it.
    fn at(&self, pos: u32) -> Option<(&Layer, u32)> {
        let layer = self
            .layers
            .iter()
            .rev()
            .find(|l| pos >= l.base && pos - l.base < l.count)?;
        Some((layer, pos - layer.base))
    }

    /// The commit `oid` as the graph holds it; `None` when the graph does
    /// not hold it, or its entry cannot be used (see the module docs).
    pub(super) fn commit(&self, oid: Oid) -> Option<Commit> {
        let (layer, pos) = self
            .layers
            .iter()
            .rev()
            .find_map(|l| Some((l, l.find(oid)?)))?;
        let b: &[u8] = &layer.map;
        let at = layer.data + pos as usize * (HASH_LEN + 16) + HASH_LEN;
        let (p1, p2) = (be32(b, at)?, be32(b, at + 4)?);
        let time = (u64::from(be32(b, at + 8)? & 3) << 32) | u64::from(be32(b, at + 12)?);
        if time == 0 {
            return None;
        }
        let time = i64::try_from(time).ok()?;
        let mut positions = Vec::with_capacity(2);
        if p1 != NO_PARENT {
            positions.push(p1);
        }
        if p2 & HIGH_BIT != 0 {
            let (edges, len) = layer.edges?;
            let mut i = (p2 & !HIGH_BIT) as usize;
            loop {
                if 4 * i >= len {
                    return None;
                }
                let e = be32(b, edges + 4 * i)?;
                positions.push(e & !HIGH_BIT);
                if e & HIGH_BIT != 0 {
                    break;
                }
                i += 1;
            }
        } else if p2 != NO_PARENT {
            positions.push(p2);
        }
        let parents = positions
            .into_iter()
            .map(|p| {
                let (l, i) = self.at(p)?;
                l.id_at(i)
            })
            .collect::<Option<Vec<Oid>>>()?;
        let bound = if self.corrected {
            let (gen, overflow) = layer.generation?;
            let g = be32(b, gen + 4 * pos as usize)?;
            let offset = if g & HIGH_BIT == 0 {
                u64::from(g)
            } else {
                let (over, len) = overflow?;
                let i = 8 * (g & !HIGH_BIT) as usize;
                if i + 8 > len {
                    return None;
                }
                be64(b, over + i)?
            };
            Some(time.checked_add(i64::try_from(offset).ok()?)?)
        } else {
            None
        };
        Some(Commit {
            time,
            parents,
            bound,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::process::Command;

    use super::*;

    /// A history with a merge, an octopus merge (its parents past the second
    /// are in `EDGE`) and a commit dated before its parent, and `graph`: the
    /// commands that write its commit-graph after the first commits and after
    /// the rest.
    fn history(dir: &Path, graph: [&str; 2]) {
        let script = format!(
            r#"set -e
            git init -q -b main .
            export GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com
            export GIT_COMMITTER_NAME=A GIT_COMMITTER_EMAIL=a@example.com
            at() {{ export GIT_AUTHOR_DATE="@$1 +0000" GIT_COMMITTER_DATE="@$1 +0000"; }}
            c() {{ at $1; git commit -q --allow-empty -m "c $1"; }}
            c 1000000000; c 1000000100; git branch a; git branch b; c 1000000200
            git checkout -q a; c 1000000150; git checkout -q b; c 999999000
            git checkout -q main; at 1000000300; git merge -q --no-ff -m octopus a b
            git checkout -q -b side; c 1000000400; git checkout -q main; c 1000000350
            {}
            at 1000000500; git merge -q --no-ff -m merge side; c 1000000600; c 1000000550
            {}
            "#,
            graph[0], graph[1]
        );
        crate::scan::run_sh(dir, &script);
    }

    /// Every commit's time and parents as git gives them, and its corrected
    /// commit date by git's definition: the larger of its time and one more
    /// than each parent's.
    fn git_answers(dir: &Path) -> Vec<(Oid, Commit)> {
        let out = Command::new("git")
            .args([
                "log",
                "--all",
                "--reverse",
                "--topo-order",
                "--format=%H %ct %P",
            ])
            .current_dir(dir)
            .output()
            .expect("git log");
        let mut corrected: HashMap<Oid, i64> = HashMap::new();
        let mut all = Vec::new();
        for line in String::from_utf8(out.stdout).unwrap().lines() {
            let mut f = line.split_whitespace();
            let oid = Oid::from_str(f.next().unwrap()).unwrap();
            let time: i64 = f.next().unwrap().parse().unwrap();
            let parents: Vec<Oid> = f.map(|p| Oid::from_str(p).unwrap()).collect();
            let bound = parents
                .iter()
                .map(|p| corrected[p] + 1)
                .fold(time, i64::max);
            corrected.insert(oid, bound);
            all.push((
                oid,
                Commit {
                    time,
                    parents,
                    bound: Some(bound),
                },
            ));
        }
        assert_eq!(all.len(), 11);
        all
    }

    fn check(graph: [&str; 2], layers: usize, corrected: bool) {
        let tmp = tempfile::tempdir().unwrap();
        history(tmp.path(), graph);
        let g = CommitGraph::open(&tmp.path().join(".git/objects")).expect("a graph");
        assert_eq!(g.layers.len(), layers);
        for (oid, mut want) in git_answers(tmp.path()) {
            if !corrected {
                want.bound = None;
            }
            assert_eq!(g.commit(oid), Some(want), "{oid}");
        }
        assert_eq!(g.commit(Oid::ZERO_SHA1), None);
    }

    #[test]
    fn a_single_file_reads_as_git_answers() {
        check(["", "git commit-graph write --reachable"], 1, true);
    }

    #[test]
    fn a_split_chain_reads_as_git_answers() {
        check(
            [
                "git commit-graph write --reachable --split",
                "git commit-graph write --reachable --split=no-merge",
            ],
            2,
            true,
        );
    }

    #[test]
    fn a_file_without_corrected_dates_gives_no_bound() {
        let v1 = "git -c commitGraph.generationVersion=1 commit-graph write --reachable";
        check(["", v1], 1, false);
        // A chain with one layer lacking them: none is used, as git does.
        let split_v1 =
            "git -c commitGraph.generationVersion=1 commit-graph write --reachable --split";
        check(
            [
                split_v1,
                "git commit-graph write --reachable --split=no-merge",
            ],
            2,
            false,
        );
    }

    /// Every truncation of a file, and every byte of it set to 0xff or 0,
    /// is read without a panic: refused whole, or answered commit by commit
    /// (what a damaged file answers is not checked: git does not check it
    /// either, short of its checksum).
    #[test]
    fn a_damaged_file_never_panics() {
        let tmp = tempfile::tempdir().unwrap();
        history(tmp.path(), ["", "git commit-graph write --reachable"]);
        let objects = tmp.path().join(".git/objects");
        let file = objects.join("info/commit-graph");
        let good = std::fs::read(&file).unwrap();
        let ids: Vec<Oid> = git_answers(tmp.path())
            .into_iter()
            .map(|(o, _)| o)
            .collect();
        let mut damaged: Vec<Vec<u8>> = (0..good.len()).map(|n| good[..n].to_vec()).collect();
        for i in 0..good.len() {
            for byte in [0xff, 0] {
                let mut b = good.clone();
                b[i] = byte;
                damaged.push(b);
            }
        }
        for bytes in damaged {
            std::fs::remove_file(&file).unwrap();
            std::fs::write(&file, &bytes).unwrap();
            if let Some(g) = CommitGraph::open(&objects) {
                for &oid in &ids {
                    let _ = g.commit(oid);
                }
            }
        }
    }

    #[test]
    fn a_stale_file_holds_only_the_commits_it_was_written_with() {
        let tmp = tempfile::tempdir().unwrap();
        history(tmp.path(), ["git commit-graph write --reachable", ""]);
        let g = CommitGraph::open(&tmp.path().join(".git/objects")).expect("a graph");
        let answers = git_answers(tmp.path());
        let held = answers
            .iter()
            .filter(|(o, _)| g.commit(*o).is_some())
            .count();
        assert_eq!(held, 8);
    }
}
