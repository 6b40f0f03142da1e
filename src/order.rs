//! Putting a large vector in order without a copy of it beside.
//!
//! `slice::sort_by` is stable but takes a scratch buffer as large as the
//! slice: for the 160,000 warnings of a big project (152 bytes each) that
//! buffer was the largest single allocation of `campaignc check`. Here the
//! order is found on indices (4 bytes an item) and applied in place.

use std::cmp::Ordering;

/// Sorts `items` stably by `compare`, as `slice::sort_by` does (equal items
/// keep their order), with 4 bytes of scratch per item instead of a copy
/// of the items.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let Ok(len) = u32::try_from(items.len()) else {
        items.sort_by(compare);
        return;
    };
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| compare(&items[a as usize], &items[b as usize]));
    permute(items, order.into_iter().map(|i| i as usize).collect());
}

/// Puts `items` in `order` (the item at `i` becomes the one that was at
/// `order[i]`; `order` is a permutation) in place, one cycle at a time.
pub fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != DONE {
            let from = std::mem::replace(&mut order[at], DONE);
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shuffled(n: usize, state: &mut u64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            order.swap(i, (*state % (i as u64 + 1)) as usize);
        }
        order
    }

    #[test]
    fn a_permutation_is_applied_in_place() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for n in [0usize, 1, 2, 3, 7, 100] {
            let order = shuffled(n, &mut state);
            let items: Vec<String> = (0..n).map(|i| format!("item {i}")).collect();
            let expected: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            let mut permuted = items;
            permute(&mut permuted, order);
            assert_eq!(permuted, expected, "{n} items");
        }
    }

    #[test]
    fn the_sort_is_the_standard_stable_sort() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for n in [0usize, 1, 2, 5, 64, 1000] {
            // Keys with many ties, so stability shows.
            let items: Vec<(usize, usize)> = shuffled(n, &mut state)
                .into_iter()
                .enumerate()
                .map(|(i, k)| (k % 7, i))
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|a| a.0);
            let mut sorted = items;
            sort_by(&mut sorted, |a, b| a.0.cmp(&b.0));
            assert_eq!(sorted, expected, "{n} items");
        }
    }
}
