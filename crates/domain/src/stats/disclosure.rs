//! Statistical disclosure control of published two-way count tables with margins.
//!
//! A table with `R` rows and `C` columns is published with its row totals, column totals and
//! grand total: an `(R + 1) × (C + 1)` grid whose last row and column are the margins. Every
//! entry of the grid is a *cell* here, margins included.
//!
//! * **Primary suppression**: a cell whose count is at least 1 and below
//!   [`SdcRules::min_count`] (margins too: a row total of 2 describes two Comuni).
//! * **Complementary suppression**: a suppressed cell is *recoverable* when the published cells
//!   determine it uniquely through the table's linear equations (each row of the grid sums to
//!   its last entry, each column likewise). [`recoverable`] decides this exactly (integer
//!   Gaussian elimination: a cell is determined iff its unit vector lies in the row space of
//!   the equations restricted to the suppressed cells). While some cell is recoverable, the
//!   first one (in row-major order) gets a complement: the published cell that on its own makes
//!   it unrecoverable, preferring the smallest non-zero inner cell, then the smallest non-zero
//!   margin, then a zero (ties: row-major order); if no single cell frees it, the first cell by
//!   the same preference in its own row or column, and the loop goes on. Suppressions only grow, and a grid with every cell
//!   suppressed reveals nothing, so the loop ends; it ends with no recoverable cell.
//!
//! The guarantee is about *exact* recovery from the linear equations: bounds from
//! non-negativity (an interval for a suppressed cell) are not examined.

use super::StatsError;
use super::describe::CountTable;

/// Suppression rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SdcRules {
    /// Cells with a count in `1 .. min_count` are suppressed (3: counts 1 and 2).
    pub min_count: u64,
}

impl Default for SdcRules {
    fn default() -> Self {
        Self { min_count: 3 }
    }
}

/// Why a cell is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// The cell itself is sensitive.
    Primary,
    /// Suppressed so that primary cells cannot be recomputed from the rest of the table.
    Complementary,
}

/// A cell of a published table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Value(u64),
    Suppressed(Reason),
}

/// A table ready for publication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectedTable {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// `(rows + 1) × (cols + 1)`: the last row holds the column totals, the last column the row
    /// totals, the bottom-right cell the grand total.
    pub cells: Vec<Vec<Cell>>,
}

impl ProtectedTable {
    /// Which cells of the grid are suppressed.
    pub fn suppressed(&self) -> Vec<Vec<bool>> {
        suppressed(&self.cells)
    }
}

/// Applies primary and complementary suppression to `table` (see the module documentation).
pub fn protect(table: &CountTable, rules: &SdcRules) -> Result<ProtectedTable, StatsError> {
    let grid = table.with_margins();
    let mut cells: Vec<Vec<Cell>> = grid
        .iter()
        .map(|r| {
            r.iter()
                .map(|&v| if v > 0 && v < rules.min_count { Cell::Suppressed(Reason::Primary) } else { Cell::Value(v) })
                .collect()
        })
        .collect();
    let inner_rows = table.rows.len();
    let inner_cols = table.cols.len();
    loop {
        let mut pattern = suppressed(&cells);
        let Some(&(r, c)) = recoverable(&pattern)?.first() else { break };
        let open = |&(i, j): &(usize, usize)| matches!(cells[i][j], Cell::Value(_));
        let rank = |&(i, j): &(usize, usize)| {
            let v = grid[i][j];
            let class = if v == 0 {
                2
            } else if i < inner_rows && j < inner_cols {
                0
            } else {
                1
            };
            (class, v, i, j)
        };
        let mut all: Vec<(usize, usize)> =
            (0..=inner_rows).flat_map(|i| (0..=inner_cols).map(move |j| (i, j))).filter(open).collect();
        all.sort_by_key(rank);
        // The best open cell anywhere that makes (r, c) unrecoverable on its own ...
        let mut chosen = None;
        for &(i, j) in &all {
            pattern[i][j] = true;
            let still = recoverable(&pattern)?.contains(&(r, c));
            pattern[i][j] = false;
            if !still {
                chosen = Some((i, j));
                break;
            }
        }
        // ... else the best open cell of its row or column (then of the grid), and go on.
        let fallback = || all.iter().copied().find(|&(i, j)| i == r || j == c).or_else(|| all.first().copied());
        // A recoverable cell always leaves some cell open, so `None` cannot happen.
        let Some((i, j)) = chosen.or_else(fallback) else { break };
        cells[i][j] = Cell::Suppressed(Reason::Complementary);
    }
    Ok(ProtectedTable { rows: table.rows.clone(), cols: table.cols.clone(), cells })
}

fn suppressed(cells: &[Vec<Cell>]) -> Vec<Vec<bool>> {
    cells.iter().map(|r| r.iter().map(|c| matches!(c, Cell::Suppressed(_))).collect()).collect()
}

/// The suppressed cells of a grid with margins that the published cells determine uniquely.
///
/// `suppressed` is the `(R + 1) × (C + 1)` pattern (last row and column: margins). The values
/// do not matter: whether a cell is determined depends only on which cells are unknown. Exact
/// integer arithmetic; fails only on arithmetic overflow, which the 0/±1 equations of a table
/// do not reach in practice.
pub fn recoverable(suppressed: &[Vec<bool>]) -> Result<Vec<(usize, usize)>, StatsError> {
    let rows = suppressed.len();
    let cols = suppressed.first().map_or(0, Vec::len);
    if rows == 0 || cols == 0 || suppressed.iter().any(|r| r.len() != cols) {
        return Err(StatsError::BadTable);
    }
    let unknowns: Vec<(usize, usize)> =
        (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j))).filter(|&(i, j)| suppressed[i][j]).collect();
    let index = |i: usize, j: usize| unknowns.binary_search(&(i, j)).ok();
    // One equation per grid row and per grid column: inner entries − last entry = known constant.
    let mut eqs: Vec<Vec<i128>> = Vec::new();
    for i in 0..rows {
        let mut e = vec![0i128; unknowns.len()];
        for j in 0..cols {
            if let Some(k) = index(i, j) {
                e[k] = if j + 1 == cols { -1 } else { 1 };
            }
        }
        eqs.push(e);
    }
    for j in 0..cols {
        let mut e = vec![0i128; unknowns.len()];
        for i in 0..rows {
            if let Some(k) = index(i, j) {
                e[k] = if i + 1 == rows { -1 } else { 1 };
            }
        }
        eqs.push(e);
    }
    let reduced = reduce(eqs, unknowns.len())?;
    Ok(reduced
        .iter()
        .filter_map(|(pivot, row)| {
            let alone = row.iter().enumerate().all(|(k, &a)| k == *pivot || a == 0);
            alone.then(|| unknowns[*pivot])
        })
        .collect())
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Fraction-free reduced row echelon form: every pivot column is zero outside its pivot row.
/// Returns the non-zero rows with their pivot column.
fn reduce(mut m: Vec<Vec<i128>>, ncols: usize) -> Result<Vec<(usize, Vec<i128>)>, StatsError> {
    let mut pivots = Vec::new();
    let mut top = 0;
    for col in 0..ncols {
        let Some(p) = (top..m.len()).find(|&r| m[r][col] != 0) else { continue };
        m.swap(top, p);
        let pivot_row = m[top].clone();
        let a = pivot_row[col];
        for (r, row) in m.iter_mut().enumerate() {
            let b = row[col];
            if r == top || b == 0 {
                continue;
            }
            let mut g = 0;
            for (x, &y) in row.iter_mut().zip(&pivot_row) {
                let v = x.checked_mul(a).zip(y.checked_mul(b)).and_then(|(xa, yb)| xa.checked_sub(yb));
                *x = v.ok_or(StatsError::Overflow)?;
                g = gcd(g, *x);
            }
            if g > 1 {
                row.iter_mut().for_each(|x| *x /= g);
            }
        }
        pivots.push((col, top));
        top += 1;
    }
    Ok(pivots.into_iter().map(|(col, r)| (col, std::mem::take(&mut m[r]))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An exact rational number, for the independent checker below.
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Q(i128, i128);

    impl Q {
        fn new(n: i128, d: i128) -> Q {
            let g = gcd(n, d).max(1);
            let s = if d < 0 { -1 } else { 1 };
            Q(s * n / g, s * d / g)
        }
        fn is_zero(self) -> bool {
            self.0 == 0
        }
        fn sub_mul(self, f: Q, o: Q) -> Q {
            // self − f·o
            Q::new(self.0 * f.1 * o.1 - f.0 * o.0 * self.1, self.1 * f.1 * o.1)
        }
        fn div(self, o: Q) -> Q {
            Q::new(self.0 * o.1, self.1 * o.0)
        }
    }

    /// Rank over the rationals by plain Gaussian elimination.
    fn rank(mut m: Vec<Vec<Q>>) -> usize {
        let cols = m.first().map_or(0, Vec::len);
        let mut r = 0;
        for c in 0..cols {
            let Some(p) = (r..m.len()).find(|&i| !m[i][c].is_zero()) else { continue };
            m.swap(r, p);
            for i in r + 1..m.len() {
                let f = m[i][c].div(m[r][c]);
                let pivot = m[r].clone();
                for (x, y) in m[i].iter_mut().zip(pivot) {
                    *x = x.sub_mul(f, y);
                }
            }
            r += 1;
        }
        r
    }

    /// Independent of [`recoverable`]: cell `k` of the unknowns is determined iff adding the
    /// equation `x_k = ?` does not raise the rank of the system (e_k is in its row space).
    /// Equations built from scratch: every grid line's inner cells sum to its last cell.
    fn determined_by_rank(sup: &[Vec<bool>]) -> Vec<(usize, usize)> {
        let (rows, cols) = (sup.len(), sup[0].len());
        let unknowns: Vec<(usize, usize)> =
            (0..rows).flat_map(|i| (0..cols).map(move |j| (i, j))).filter(|&(i, j)| sup[i][j]).collect();
        let mut lines: Vec<Vec<(usize, usize, i128)>> = Vec::new();
        for i in 0..rows {
            lines.push((0..cols).map(|j| (i, j, if j == cols - 1 { -1 } else { 1 })).collect());
        }
        for j in 0..cols {
            lines.push((0..rows).map(|i| (i, j, if i == rows - 1 { -1 } else { 1 })).collect());
        }
        let a: Vec<Vec<Q>> = lines
            .iter()
            .map(|line| {
                unknowns
                    .iter()
                    .map(|u| Q::new(line.iter().find(|(i, j, _)| (*i, *j) == *u).map_or(0, |l| l.2), 1))
                    .collect()
            })
            .collect();
        let base = rank(a.clone());
        (0..unknowns.len())
            .filter(|&k| {
                let mut with = a.clone();
                with.push((0..unknowns.len()).map(|x| Q::new(i128::from(x == k), 1)).collect());
                rank(with) == base
            })
            .map(|k| unknowns[k])
            .collect()
    }

    fn table(cells: Vec<Vec<u64>>) -> CountTable {
        let rows = (0..cells.len()).map(|i| format!("r{i}")).collect();
        let cols = (0..cells[0].len()).map(|j| format!("c{j}")).collect();
        CountTable::new(rows, cols, cells).unwrap()
    }

    #[test]
    fn primary_suppression_alone_is_recoverable() {
        // 1 is primary; its row and column each have one suppressed cell: 6 − 5 = 1.
        let t = table(vec![vec![1, 5], vec![6, 7]]);
        let mut pattern = vec![vec![false; 3]; 3];
        pattern[0][0] = true;
        assert_eq!(determined_by_rank(&pattern), [(0, 0)]);
        assert_eq!(recoverable(&pattern).unwrap(), [(0, 0)]);
        // And protection fixes it.
        let p = protect(&t, &SdcRules::default()).unwrap();
        assert_eq!(p.cells[0][0], Cell::Suppressed(Reason::Primary));
        assert!(determined_by_rank(&p.suppressed()).is_empty());
        // The classic answer: the 2×2 block, margins published.
        let expected = [[true, true, false], [true, true, false], [false, false, false]];
        assert_eq!(p.suppressed(), expected);
        assert_eq!(p.cells[1][2], Cell::Value(13));
    }

    #[test]
    fn two_per_line_is_not_enough() {
        // Two 2×2 blocks joined by one cell (1, 2): every line has 0 or ≥ 2 suppressions, yet
        // rows {0, 1} minus columns {0, 1} give x[1][2] exactly.
        let mut pattern = vec![vec![false; 5]; 5];
        for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)] {
            pattern[i][j] = true;
        }
        assert_eq!(determined_by_rank(&pattern), [(1, 2)]);
        assert_eq!(recoverable(&pattern).unwrap(), [(1, 2)]);
    }

    #[test]
    fn single_row_and_margins() {
        // One row: the row is its own column total; every suppressed cell needs a partner.
        let p = protect(&table(vec![vec![2, 9, 4]]), &SdcRules::default()).unwrap();
        assert!(determined_by_rank(&p.suppressed()).is_empty());
        // A small margin is primary too.
        let p = protect(&table(vec![vec![1, 0], vec![9, 9]]), &SdcRules::default()).unwrap();
        assert_eq!(p.cells[0][2], Cell::Suppressed(Reason::Primary));
        assert!(determined_by_rank(&p.suppressed()).is_empty());
    }

    fn tables() -> impl Strategy<Value = Vec<Vec<u64>>> {
        (1usize..=6, 1usize..=6).prop_flat_map(|(r, c)| {
            prop::collection::vec(prop::collection::vec(prop_oneof![3 => 0u64..4, 1 => 0u64..40], c), r)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// After protection no suppressed cell is determined by the published cells (checked by
        /// an independent rational-rank computation), primary cells are exactly the sensitive
        /// ones, and published values are the true ones.
        #[test]
        fn no_suppressed_cell_is_recoverable(cells in tables(), min_count in 2u64..5) {
            let t = table(cells);
            let p = protect(&t, &SdcRules { min_count }).unwrap();
            let grid = t.with_margins();
            for (i, row) in p.cells.iter().enumerate() {
                for (j, cell) in row.iter().enumerate() {
                    let v = grid[i][j];
                    let sensitive = v > 0 && v < min_count;
                    match cell {
                        Cell::Value(x) => { prop_assert_eq!(*x, v); prop_assert!(!sensitive); }
                        Cell::Suppressed(Reason::Primary) => prop_assert!(sensitive),
                        Cell::Suppressed(Reason::Complementary) => prop_assert!(!sensitive),
                    }
                }
            }
            prop_assert!(determined_by_rank(&p.suppressed()).is_empty(), "recoverable: {:?}", p);
        }

        /// The library checker and the independent one agree on arbitrary patterns.
        #[test]
        fn checkers_agree(pattern in (2usize..=6, 2usize..=6).prop_flat_map(|(r, c)| {
            prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.3), c), r)
        })) {
            prop_assert_eq!(recoverable(&pattern).unwrap(), determined_by_rank(&pattern));
        }
    }
}
