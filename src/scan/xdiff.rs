//! Line counts as git counts them: how many lines git's diff, xdiff, marks
//! changed between two texts — ported for counting from the `xprepare.c`
//! and `xdiffi.c` that libgit2 1.9 carries (git's own, as git runs it by
//! default: Myers with its heuristics, not minimal) — given the whole lines
//! both texts begin and end with, which are never hashed.
//!
//! # Why a port
//!
//! Two Myers diffs can count the same change differently: each gives up on
//! a long search by heuristics of its own, and xdiff also marks some lines
//! changed before its Myers runs (see [`Prepared::side`]). On one real
//! commit git counts +21 −18, as a minimal diff does, and imara-diff's
//! Myers, which icu used before, +22 −19; they differed on about 2 % of
//! commits. Only xdiff's own steps give git's numbers, so they are ported
//! here statement for statement, and tested against libgit2's xdiff and
//! against `git diff --numstat`.
//!
//! libgit2's own entry to xdiff for two texts (`git_patch_from_buffers`)
//! would give the numbers, but it computes both texts' SHA-1 object ids
//! first and keeps every changed line: more than the diff costs, on large
//! files. And xdiff itself reads and hashes every line of both texts before
//! it cuts off the lines they begin and end with alike, which on a small
//! change to a large file are nearly all of them (hashing them was a
//! quarter of a draft's time on git.git, when imara-diff did the same).
//!
//! # The common head and tail, exactly
//!
//! The head and tail cut off first are the lines xdiff's `xdl_trim_ends`
//! would cut off (the same whole lines). Given the whole texts, xdiff still
//! uses them in one place: it sorts each line between by how often it
//! occurs on the other side *in the whole text*, against a limit from its
//! own text's *whole* line count. So those numbers are taken from the whole
//! texts — the head and tail are read once, line by line, to count their
//! lines and the occurrences among them of the lines between — and all else
//! sees only the lines between, as in xdiff given the whole texts. (xdiff
//! run on the trimmed texts does not always give git's answer: see
//! `a_trim_that_would_change_xdiffs_answer_is_taken_into_account`.) When
//! the lines between are few and that sorting cannot matter, the head and
//! tail are not read at all (see [`may_drop_a_match`]).
//!
//! xdiff then slides each change along equal lines to a more readable place
//! (`xdl_change_compact`); that keeps the number of lines changed, so it is
//! not ported.

use rustc_hash::FxHashMap;

/// Lines added and removed between `old` and `new`, as `git diff
/// --numstat` counts them, given that both begin with the same `head`
/// bytes and end with the same `tail` bytes, each a run of whole lines
/// (see `diff::common_lines`).
pub(super) fn counts(old: &[u8], new: &[u8], head: usize, tail: usize) -> (usize, usize) {
    let (old_mid, new_mid) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let (n1, n2) = (line_count(old_mid), line_count(new_mid));
    if n1 == 0 || n2 == 0 {
        // Nothing to compare with: every line left is added or removed.
        return (n2, n1);
    }
    let mut classes = Classes::with_capacity(n1 + n2);
    let old_classes: Vec<u32> = Lines(old_mid).map(|l| classes.add(l, 0)).collect();
    let new_classes: Vec<u32> = Lines(new_mid).map(|l| classes.add(l, 1)).collect();
    if !classes.found.iter().any(|f| f[0] > 0 && f[1] > 0) {
        // No line between head and tail on one side is among those on the
        // other: nothing can be kept as it is.
        return (n2, n1);
    }
    let common = if n1 + n2 < SHORT
        && !may_drop_a_match(&old_classes, &classes, 1)
        && !may_drop_a_match(&new_classes, &classes, 0)
    {
        // The head and tail cannot change the counts: they are not read.
        #[cfg(test)]
        tests::took(3);
        0
    } else {
        #[cfg(test)]
        tests::took(4);
        classes.count_common(&[&old[..head], &old[old.len() - tail..]])
    };
    let old_side = Prepared::side(&old_classes, &classes, 1, n1 + common);
    let new_side = Prepared::side(&new_classes, &classes, 0, n2 + common);
    let (removed, added) = myers(old_side, new_side);
    (added, removed)
}

/// Fewer lines between head and tail than this, on both sides together,
/// and xdiff's Myers never reaches its heuristics: each search ends after
/// at most as many edits as there are lines, and the heuristics start
/// after 256 (see [`Myers::split`]).
const SHORT: usize = 256;

/// Whether xdiff might mark changed, before its Myers, a line of this side
/// (`classes`, the other side `other`) that also occurs on the other side
/// between head and tail, whatever the head and tail hold.
///
/// When it cannot on either side, and the lines between head and tail are
/// [`SHORT`], the head and tail change nothing: without its heuristics,
/// xdiff's Myers finds a shortest edit, so the lines it keeps are as many
/// as the longest common subsequence of the lines handed to it — and of
/// those, only the lines occurring on both sides can be in one, which are
/// then all handed on whatever the head and tail hold. What the head and
/// tail decide is only whether the other lines are handed on or marked
/// changed at once, and they are changed either way.
///
/// A line found on the other side is never "found nowhere" and so is
/// marked changed only by [`xdl_clean_mmatch`]: when in the runs of lines
/// not handed on as "a few" around it, within [`XDL_SIMSCAN_WINDOW`] lines,
/// lines found nowhere are more than three times the lines found often
/// (itself and one more counted). Lines found nowhere can only be lines not
/// on the other side between head and tail, and the others in such runs
/// count as found often: so it cannot happen unless some stretch around the
/// line holds more than 6 more of the first kind than three times the
/// second.
fn may_drop_a_match(classes: &[u32], all: &Classes<'_>, other: usize) -> bool {
    let matched: Vec<bool> = classes
        .iter()
        .map(|&c| all.found[c as usize][other] > 0)
        .collect();
    if matched.iter().filter(|&&m| !m).count() <= 6 {
        return false;
    }
    let weight = |j: usize| if matched[j] { -3 } else { 1 };
    let reach = |range: &mut dyn Iterator<Item = usize>| {
        let (mut sum, mut best) = (0_i64, 0_i64);
        for j in range {
            sum += weight(j);
            best = best.max(sum);
        }
        best
    };
    (0..classes.len()).filter(|&i| matched[i]).any(|i| {
        let start = i.saturating_sub(XDL_SIMSCAN_WINDOW);
        let end = (i + XDL_SIMSCAN_WINDOW).min(classes.len() - 1);
        reach(&mut (start..i).rev()) + reach(&mut (i + 1..=end)) > 6
    })
}

/// How many lines a text has (a last line without a newline counts).
fn line_count(text: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', text).count() + usize::from(text.last().is_some_and(|&b| b != b'\n'))
}

/// The lines of a text, each with its `\n` (the last may have none), found
/// with `memchr`.
struct Lines<'t>(&'t [u8]);

impl<'t> Iterator for Lines<'t> {
    type Item = &'t [u8];

    fn next(&mut self) -> Option<&'t [u8]> {
        if self.0.is_empty() {
            return None;
        }
        // Lines are short: a scan eight bytes at a time, not memchr.
        let end = super::diff::find_byte(self.0, b'\n').map_or(self.0.len(), |i| i + 1);
        let (line, rest) = self.0.split_at(end);
        self.0 = rest;
        Some(line)
    }
}

/// xdiff's classifier for the lines between head and tail: each distinct
/// line is a class, and `found[class]` says how often it occurs in the old
/// and in the new whole text.
struct Classes<'t> {
    ids: FxHashMap<&'t [u8], u32>,
    found: Vec<[usize; 2]>,
    /// The signatures of the lines classed (see [`signature`]), a bit each.
    signatures: Vec<u64>,
}

impl<'t> Classes<'t> {
    /// No classes yet, with room for `lines` lines.
    fn with_capacity(lines: usize) -> Self {
        Classes {
            ids: FxHashMap::with_capacity_and_hasher(lines, rustc_hash::FxBuildHasher),
            found: Vec::with_capacity(lines),
            signatures: vec![0; SIGNATURES / 64],
        }
    }

    /// The class of `line`, found once more on `side` (0 old, 1 new).
    fn add(&mut self, line: &'t [u8], side: usize) -> u32 {
        let next = u32::try_from(self.found.len()).expect("fewer than 2^32 lines");
        let id = *self.ids.entry(line).or_insert(next);
        if id == next {
            self.found.push([0; 2]);
            let s = signature(line);
            self.signatures[s / 64] |= 1 << (s % 64);
        }
        self.found[id as usize][side] += 1;
        id
    }

    /// Reads the lines of `parts` (the common head and tail: the same in
    /// both texts), counting each that is one of the classes as found once
    /// more on each side; returns how many lines they hold. A line whose
    /// signature no class has is not looked up.
    fn count_common(&mut self, parts: &[&[u8]]) -> usize {
        let mut lines = 0;
        for part in parts {
            for line in Lines(part) {
                lines += 1;
                let s = signature(line);
                if self.signatures[s / 64] & (1 << (s % 64)) == 0 {
                    continue;
                }
                if let Some(&id) = self.ids.get(line) {
                    let found = &mut self.found[id as usize];
                    found[0] += 1;
                    found[1] += 1;
                }
            }
        }
        lines
    }
}

/// How many signatures [`signature`] tells apart.
const SIGNATURES: usize = 4096;

/// A cheap mark of a line (its length, a byte from its middle and the one
/// before its end): lines with different marks differ.
fn signature(line: &[u8]) -> usize {
    let n = line.len();
    let middle = usize::from(line.get(n / 2).copied().unwrap_or(0));
    let last = usize::from(line.get(n.wrapping_sub(2)).copied().unwrap_or(0));
    (n.wrapping_mul(31) ^ middle.wrapping_mul(131) ^ last.wrapping_mul(7919)) % SIGNATURES
}

/// xdiff's limits (`xprepare.c`, `xdiffi.c`).
const XDL_MAX_EQLIMIT: usize = 1024;
const XDL_SIMSCAN_WINDOW: usize = 100;
const XDL_KPDIS_RUN: usize = 4;
const XDL_MAX_COST_MIN: isize = 256;
const XDL_HEUR_MIN_COST: isize = 256;
const XDL_SNAKE_CNT: isize = 20;
const XDL_K_HEUR: isize = 4;
const XDL_LINE_MAX: isize = isize::MAX;

/// xdiff's `xdl_bogosqrt`: a power of two near the square root of `n`.
fn bogosqrt(mut n: usize) -> usize {
    let mut i = 1;
    while n > 0 {
        i <<= 1;
        n >>= 2;
    }
    i
}

/// One side's lines between head and tail, as xdiff hands them to its
/// Myers: which are already changed, and the classes and places of the
/// rest.
struct Prepared {
    changed: Vec<bool>,
    /// The classes of the lines handed on (`ha`), and where each is among
    /// all of them (`rindex`).
    ha: Vec<u32>,
    rindex: Vec<usize>,
}

impl Prepared {
    /// xdiff's `xdl_cleanup_records` for one side: `classes` are its lines',
    /// `other` the side whose occurrences count, `whole` its whole text's
    /// line count. A line found nowhere on the other side is changed; a
    /// line found there often (from `bogosqrt(whole)` times, at most
    /// 1,024) is changed when it sits among lines found nowhere, too many
    /// of them ([`xdl_clean_mmatch`]); the others are handed on.
    fn side(classes: &[u32], all: &Classes<'_>, other: usize, whole: usize) -> Prepared {
        let often = bogosqrt(whole).min(XDL_MAX_EQLIMIT);
        let dis: Vec<u8> = classes
            .iter()
            .map(|&c| match all.found[c as usize][other] {
                0 => 0,
                n if n >= often => 2,
                _ => 1,
            })
            .collect();
        let mut p = Prepared {
            changed: vec![false; classes.len()],
            ha: Vec::with_capacity(classes.len()),
            rindex: Vec::with_capacity(classes.len()),
        };
        for (i, &c) in classes.iter().enumerate() {
            if dis[i] == 1 || (dis[i] == 2 && !xdl_clean_mmatch(&dis, i)) {
                p.ha.push(c);
                p.rindex.push(i);
            } else {
                p.changed[i] = true;
            }
        }
        p
    }
}

/// xdiff's `xdl_clean_mmatch` for the line at `i`, found often: whether it
/// sits in a run of lines found nowhere or often, with lines found nowhere
/// both before and after it, in which those found often are fewer than one
/// in [`XDL_KPDIS_RUN`] (looking at most [`XDL_SIMSCAN_WINDOW`] lines each
/// way).
fn xdl_clean_mmatch(dis: &[u8], i: usize) -> bool {
    let start = i.saturating_sub(XDL_SIMSCAN_WINDOW);
    let end = (i + XDL_SIMSCAN_WINDOW).min(dis.len() - 1);
    let run = |range: &mut dyn Iterator<Item = usize>| {
        let (mut nowhere, mut often) = (0, 1);
        for j in range {
            match dis[j] {
                0 => nowhere += 1,
                2 => often += 1,
                _ => break,
            }
        }
        (nowhere, often)
    };
    let (nowhere_before, often_before) = run(&mut (start..i).rev());
    if nowhere_before == 0 {
        return false;
    }
    let (nowhere_after, often_after) = run(&mut (i + 1..=end));
    if nowhere_after == 0 {
        return false;
    }
    let often = often_before + often_after;
    often * XDL_KPDIS_RUN < often + nowhere_before + nowhere_after
}

/// xdiff's `xdl_do_diff` for Myers: how many lines of each side are
/// changed (old, new).
fn myers(mut a: Prepared, mut b: Prepared) -> (usize, usize) {
    let (n1, n2) = (a.ha.len() as isize, b.ha.len() as isize);
    let ndiags = n1 + n2 + 3;
    let mut m = Myers {
        ha1: &a.ha,
        ha2: &b.ha,
        // kvdf[d] is kv[d + n2 + 1]; kvdb[d] is kv[ndiags + d + n2 + 1].
        kv: vec![0; 2 * ndiags as usize + 2],
        base_f: n2 + 1,
        base_b: ndiags + n2 + 1,
        mxcost: (bogosqrt(ndiags as usize) as isize).max(XDL_MAX_COST_MIN),
    };
    // xdl_recs_cmp's recursion, with a stack of its own: the boxes left
    // to compare share nothing but the scratch vectors.
    let mut boxes = vec![(0, n1, 0, n2, false)];
    while let Some((mut off1, mut lim1, mut off2, mut lim2, need_min)) = boxes.pop() {
        // Shrink the box by the snakes at both its ends.
        while off1 < lim1 && off2 < lim2 && m.ha1[off1 as usize] == m.ha2[off2 as usize] {
            off1 += 1;
            off2 += 1;
        }
        while off1 < lim1 && off2 < lim2 && m.ha1[lim1 as usize - 1] == m.ha2[lim2 as usize - 1] {
            lim1 -= 1;
            lim2 -= 1;
        }
        if off1 == lim1 {
            for i in off2..lim2 {
                b.changed[b.rindex[i as usize]] = true;
            }
        } else if off2 == lim2 {
            for i in off1..lim1 {
                a.changed[a.rindex[i as usize]] = true;
            }
        } else {
            let s = m.split(
                Bx {
                    off1,
                    lim1,
                    off2,
                    lim2,
                },
                need_min,
            );
            boxes.push((s.i1, lim1, s.i2, lim2, s.min_hi));
            boxes.push((off1, s.i1, off2, s.i2, s.min_lo));
        }
    }
    let count = |changed: &[bool]| changed.iter().filter(|&&c| c).count();
    (count(&a.changed), count(&b.changed))
}

/// A box of xdiff's Myers: the lines `off1..lim1` of the old side's lines
/// handed on, against `off2..lim2` of the new side's.
#[derive(Clone, Copy)]
struct Bx {
    off1: isize,
    lim1: isize,
    off2: isize,
    lim2: isize,
}

/// The diagonals a split's forward search (`fmin..=fmax`) and backward
/// search (`bmin..=bmax`) have reached.
#[derive(Clone, Copy)]
struct Frontier {
    fmin: isize,
    fmax: isize,
    bmin: isize,
    bmax: isize,
}

/// Where xdiff's `xdl_split` divides a box, and whether each half must be
/// compared without heuristics.
struct Split {
    i1: isize,
    i2: isize,
    min_lo: bool,
    min_hi: bool,
}

/// The state of xdiff's Myers: the classes of both sides' lines handed on,
/// the forward and backward furthest points of each diagonal, and the edit
/// cost after which a search takes the furthest point it reached.
struct Myers<'a> {
    ha1: &'a [u32],
    ha2: &'a [u32],
    kv: Vec<isize>,
    base_f: isize,
    base_b: isize,
    mxcost: isize,
}

impl Myers<'_> {
    fn f(&self, d: isize) -> isize {
        self.kv[(self.base_f + d) as usize]
    }

    fn set_f(&mut self, d: isize, v: isize) {
        self.kv[(self.base_f + d) as usize] = v;
    }

    fn b(&self, d: isize) -> isize {
        self.kv[(self.base_b + d) as usize]
    }

    fn set_b(&mut self, d: isize, v: isize) {
        self.kv[(self.base_b + d) as usize] = v;
    }

    fn same(&self, i1: isize, i2: isize) -> bool {
        self.ha1[i1 as usize] == self.ha2[i2 as usize]
    }

    /// xdiff's `xdl_split`, statement for statement: the forward and
    /// backward searches from the box's corners, one edit at a time, until
    /// they meet; unless `need_min`, past [`XDL_HEUR_MIN_COST`] edits a
    /// diagonal that reached far along a long snake, and from `mxcost`
    /// edits the furthest point either search reached.
    fn split(&mut self, bx: Bx, need_min: bool) -> Split {
        let (fmid, bmid) = (bx.off1 - bx.off2, bx.lim1 - bx.lim2);
        let odd = (fmid - bmid) & 1 != 0;
        let mut fr = Frontier {
            fmin: fmid,
            fmax: fmid,
            bmin: bmid,
            bmax: bmid,
        };
        self.set_f(fmid, bx.off1);
        self.set_b(bmid, bx.lim1);
        let mut ec: isize = 1;
        loop {
            let forward = match self.forward(bx, &mut fr, odd) {
                Ok(got_snake) => got_snake,
                Err(met) => return met,
            };
            let backward = match self.backward(bx, &mut fr, odd) {
                Ok(got_snake) => got_snake,
                Err(met) => return met,
            };
            if !need_min {
                if (forward || backward) && ec > XDL_HEUR_MIN_COST {
                    if let Some(s) = self.heuristic(bx, &fr, ec) {
                        #[cfg(test)]
                        tests::took(usize::from(s.min_hi));
                        return s;
                    }
                }
                if ec >= self.mxcost {
                    #[cfg(test)]
                    tests::took(2);
                    return self.furthest(bx, &fr);
                }
            }
            ec += 1;
        }
    }

    /// One more edit forward: each diagonal's furthest point and its
    /// snake. `Err`: the searches met there; `Ok`: whether a snake was
    /// longer than [`XDL_SNAKE_CNT`].
    fn forward(&mut self, bx: Bx, fr: &mut Frontier, odd: bool) -> Result<bool, Split> {
        let (dmin, dmax) = (bx.off1 - bx.lim2, bx.lim1 - bx.off2);
        let mut got_snake = false;
        if fr.fmin > dmin {
            fr.fmin -= 1;
            self.set_f(fr.fmin - 1, -1);
        } else {
            fr.fmin += 1;
        }
        if fr.fmax < dmax {
            fr.fmax += 1;
            self.set_f(fr.fmax + 1, -1);
        } else {
            fr.fmax -= 1;
        }
        let mut d = fr.fmax;
        while d >= fr.fmin {
            let mut i1 = if self.f(d - 1) >= self.f(d + 1) {
                self.f(d - 1) + 1
            } else {
                self.f(d + 1)
            };
            let prev1 = i1;
            let mut i2 = i1 - d;
            while i1 < bx.lim1 && i2 < bx.lim2 && self.same(i1, i2) {
                i1 += 1;
                i2 += 1;
            }
            if i1 - prev1 > XDL_SNAKE_CNT {
                got_snake = true;
            }
            self.set_f(d, i1);
            if odd && fr.bmin <= d && d <= fr.bmax && self.b(d) <= i1 {
                return Err(Split {
                    i1,
                    i2,
                    min_lo: true,
                    min_hi: true,
                });
            }
            d -= 2;
        }
        Ok(got_snake)
    }

    /// One more edit backward (see [`Myers::forward`]).
    fn backward(&mut self, bx: Bx, fr: &mut Frontier, odd: bool) -> Result<bool, Split> {
        let (dmin, dmax) = (bx.off1 - bx.lim2, bx.lim1 - bx.off2);
        let mut got_snake = false;
        if fr.bmin > dmin {
            fr.bmin -= 1;
            self.set_b(fr.bmin - 1, XDL_LINE_MAX);
        } else {
            fr.bmin += 1;
        }
        if fr.bmax < dmax {
            fr.bmax += 1;
            self.set_b(fr.bmax + 1, XDL_LINE_MAX);
        } else {
            fr.bmax -= 1;
        }
        let mut d = fr.bmax;
        while d >= fr.bmin {
            let mut i1 = if self.b(d - 1) < self.b(d + 1) {
                self.b(d - 1)
            } else {
                self.b(d + 1) - 1
            };
            let prev1 = i1;
            let mut i2 = i1 - d;
            while i1 > bx.off1 && i2 > bx.off2 && self.same(i1 - 1, i2 - 1) {
                i1 -= 1;
                i2 -= 1;
            }
            if prev1 - i1 > XDL_SNAKE_CNT {
                got_snake = true;
            }
            self.set_b(d, i1);
            if !odd && fr.fmin <= d && d <= fr.fmax && i1 <= self.f(d) {
                return Err(Split {
                    i1,
                    i2,
                    min_lo: true,
                    min_hi: true,
                });
            }
            d -= 2;
        }
        Ok(got_snake)
    }

    /// `xdl_split`'s heuristic past [`XDL_HEUR_MIN_COST`] edits: the
    /// diagonal that went furthest from the box's corner, less its distance
    /// from the middle diagonal, if that is more than [`XDL_K_HEUR`] times
    /// the edits and it ends a snake of [`XDL_SNAKE_CNT`] equal lines;
    /// forward first, then backward.
    fn heuristic(&self, bx: Bx, fr: &Frontier, ec: isize) -> Option<Split> {
        let Bx {
            off1,
            lim1,
            off2,
            lim2,
        } = bx;
        let Frontier {
            fmin,
            fmax,
            bmin,
            bmax,
        } = *fr;
        let fmid = off1 - off2;
        let bmid = lim1 - lim2;
        let mut best = 0;
        let mut at = (0, 0);
        let mut d = fmax;
        while d >= fmin {
            let dd = if d > fmid { d - fmid } else { fmid - d };
            let i1 = self.f(d);
            let i2 = i1 - d;
            let v = (i1 - off1) + (i2 - off2) - dd;
            if v > XDL_K_HEUR * ec
                && v > best
                && off1 + XDL_SNAKE_CNT <= i1
                && i1 < lim1
                && off2 + XDL_SNAKE_CNT <= i2
                && i2 < lim2
            {
                let mut k = 1;
                while self.same(i1 - k, i2 - k) {
                    if k == XDL_SNAKE_CNT {
                        best = v;
                        at = (i1, i2);
                        break;
                    }
                    k += 1;
                }
            }
            d -= 2;
        }
        if best > 0 {
            return Some(Split {
                i1: at.0,
                i2: at.1,
                min_lo: true,
                min_hi: false,
            });
        }
        let mut best = 0;
        let mut d = bmax;
        while d >= bmin {
            let dd = if d > bmid { d - bmid } else { bmid - d };
            let i1 = self.b(d);
            let i2 = i1 - d;
            let v = (lim1 - i1) + (lim2 - i2) - dd;
            if v > XDL_K_HEUR * ec
                && v > best
                && off1 < i1
                && i1 <= lim1 - XDL_SNAKE_CNT
                && off2 < i2
                && i2 <= lim2 - XDL_SNAKE_CNT
            {
                let mut k = 0;
                while self.same(i1 + k, i2 + k) {
                    if k == XDL_SNAKE_CNT - 1 {
                        best = v;
                        at = (i1, i2);
                        break;
                    }
                    k += 1;
                }
            }
            d -= 2;
        }
        (best > 0).then_some(Split {
            i1: at.0,
            i2: at.1,
            min_lo: false,
            min_hi: true,
        })
    }

    /// `xdl_split` from `mxcost` edits on: the point furthest along either
    /// search (by `i1 + i2`), the forward one when it went further.
    fn furthest(&self, bx: Bx, fr: &Frontier) -> Split {
        let Bx {
            off1,
            lim1,
            off2,
            lim2,
        } = bx;
        let Frontier {
            fmin,
            fmax,
            bmin,
            bmax,
        } = *fr;
        let (mut fbest, mut fbest1) = (-1, -1);
        let mut d = fmax;
        while d >= fmin {
            let mut i1 = self.f(d).min(lim1);
            let mut i2 = i1 - d;
            if lim2 < i2 {
                i1 = lim2 + d;
                i2 = lim2;
            }
            if fbest < i1 + i2 {
                fbest = i1 + i2;
                fbest1 = i1;
            }
            d -= 2;
        }
        let (mut bbest, mut bbest1) = (XDL_LINE_MAX, XDL_LINE_MAX);
        let mut d = bmax;
        while d >= bmin {
            let mut i1 = off1.max(self.b(d));
            let mut i2 = i1 - d;
            if i2 < off2 {
                i1 = off2 + d;
                i2 = off2;
            }
            if i1 + i2 < bbest {
                bbest = i1 + i2;
                bbest1 = i1;
            }
            d -= 2;
        }
        if (lim1 + lim2) - bbest < fbest - (off1 + off2) {
            Split {
                i1: fbest1,
                i2: fbest - fbest1,
                min_lo: true,
                min_hi: false,
            }
        } else {
            Split {
                i1: bbest1,
                i2: bbest - bbest1,
                min_lo: false,
                min_hi: true,
            }
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::scan::diff::tests::{code_pairs, edited_pairs};

    thread_local! {
        /// How often this thread took each way that the tests must see
        /// taken: a search ended by each heuristic (a long snake forward,
        /// backward, the furthest point), and the head and tail left unread
        /// and read.
        static TAKEN: std::cell::Cell<[usize; 5]> = const { std::cell::Cell::new([0; 5]) };
    }

    /// Counts way `which` taken once more (see [`TAKEN`]).
    pub(super) fn took(which: usize) {
        TAKEN.with(|h| {
            let mut n = h.get();
            n[which] += 1;
            h.set(n);
        });
    }

    /// Lines added and removed by libgit2's xdiff between two whole texts.
    pub(in crate::scan) fn libgit2_counts(old: &[u8], new: &[u8]) -> (usize, usize) {
        let mut opts = git2::DiffOptions::new();
        opts.context_lines(0);
        let patch = git2::Patch::from_buffers(old, None, new, None, Some(&mut opts)).unwrap();
        let (_, added, removed) = patch.line_stats().unwrap();
        (added, removed)
    }

    /// `n` pairs of long texts (from a tenth of `lines` to 1.1 times it)
    /// of few or many kinds of lines, the second with a hundred edits or
    /// more, mostly in clusters: long searches, where xdiff's heuristics
    /// decide. A fixed seed.
    fn heavily_edited_pairs(n: usize, lines: u64) -> Vec<(Vec<u8>, Vec<u8>)> {
        let mut seed: u64 = 0x5851_F42D_4C95_7F2D;
        let mut next = |n: u64| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) % n.max(1)
        };
        (0..n)
            .map(|_| {
                let kinds = [3, 40, 1_000, 100_000][next(4) as usize];
                let size = (lines / 10 + next(lines)) as usize;
                let old: Vec<u64> = (0..size).map(|_| next(kinds)).collect();
                let mut new = old.clone();
                // Edits in clusters, with long runs of equal lines between.
                let mut at = 0;
                for _ in 0..100 + next(lines / 4) {
                    at = if next(8) == 0 {
                        next(new.len() as u64 + 1) as usize
                    } else {
                        (at + next(3) as usize).min(new.len())
                    };
                    match next(3) {
                        0 => new.insert(at, next(kinds + 20)),
                        1 if at < new.len() => {
                            new.remove(at);
                        }
                        _ if at < new.len() => new[at] = next(kinds + 20),
                        _ => {}
                    }
                }
                let text = |v: &[u64]| v.iter().map(|x| format!("l{x}\n")).collect::<String>();
                (text(&old).into_bytes(), text(&new).into_bytes())
            })
            .collect()
    }

    /// The port gives libgit2's xdiff's counts on the whole texts, and on
    /// the texts with their common head and tail given.
    #[test]
    fn the_port_counts_as_libgit2s_xdiff() {
        let mut pairs = edited_pairs(5_000);
        pairs.extend(code_pairs(2_000, 300));
        pairs.extend(heavily_edited_pairs(60, 3_000));
        // Over 65,536 lines between them, where xdiff gives up on a search
        // only after more than 256 edits, its other heuristic decides.
        pairs.extend(heavily_edited_pairs(3, 60_000));
        for (old, new) in &pairs {
            let want = libgit2_counts(old, new);
            let (head, tail) = crate::scan::diff::common_lines(old, new);
            let what = || {
                format!(
                    "{:?} → {:?}",
                    String::from_utf8_lossy(old),
                    String::from_utf8_lossy(new)
                )
            };
            assert_eq!(counts(old, new, 0, 0), want, "{}", what());
            assert_eq!(counts(old, new, head, tail), want, "{}", what());
        }
        let taken = TAKEN.with(std::cell::Cell::get);
        assert!(taken.iter().all(|&n| n > 0), "every way taken: {taken:?}");
    }

    /// A cut that changes xdiff's answer: `X` occurs four times in the new
    /// middle, "often" for a middle of 9 lines but not for a text of 109, so
    /// xdiff given the middles alone marks it changed without comparing it.
    #[test]
    fn a_trim_that_would_change_xdiffs_answer_is_taken_into_account() {
        let head: String = (0..100).map(|i| format!("common {i}\n")).collect();
        let old = format!("{head}a0\na1\na2\na3\nX\nb0\nb1\nb2\nb3\n");
        let new = format!("{head}C\nX\nX\nX\nX\nD\n");
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let (h, t) = crate::scan::diff::common_lines(old, new);
        assert_eq!((h, t), (head.len(), 0));
        // Checked against `git diff --numstat` (git 2.47): the whole texts
        // give +5 −8, the middles alone +6 −9.
        assert_eq!(libgit2_counts(&old[h..], &new[h..]), (6, 9));
        assert_eq!(libgit2_counts(old, new), (5, 8));
        assert_eq!(counts(old, new, h, t), (5, 8));
    }

    #[test]
    fn bogosqrt_is_xdiffs() {
        let got: Vec<usize> = [0, 1, 2, 3, 4, 9, 15, 16, 109, 4096]
            .into_iter()
            .map(bogosqrt)
            .collect();
        assert_eq!(got, [1, 2, 2, 2, 4, 4, 4, 8, 16, 128]);
    }
}
