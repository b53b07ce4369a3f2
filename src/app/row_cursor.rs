//! The row the arrow keys move to in a list: one step up or down, stopping at the ends.

/// The item after (`delta` > 0) or before `current` in `items`; the first (or the last,
/// going up) when nothing is selected or the selection left the list.
pub fn step<T: PartialEq + Clone>(items: &[T], current: Option<T>, delta: isize) -> Option<T> {
    if items.is_empty() {
        return None;
    }
    let last = items.len() - 1;
    let position = current.and_then(|c| items.iter().position(|i| *i == c));
    let next = match position {
        None if delta < 0 => last,
        None => 0,
        Some(p) => p.saturating_add_signed(delta).min(last),
    };
    Some(items[next].clone())
}

#[cfg(test)]
mod tests {
    use super::step;

    #[test]
    fn arrows_move_one_row_and_stop_at_the_ends() {
        let rows = [10, 20, 30];
        assert_eq!(step(&rows, None, 1), Some(10));
        assert_eq!(step(&rows, None, -1), Some(30));
        assert_eq!(step(&rows, Some(10), 1), Some(20));
        assert_eq!(step(&rows, Some(10), -1), Some(10));
        assert_eq!(step(&rows, Some(30), 1), Some(30));
        assert_eq!(
            step(&rows, Some(99), 1),
            Some(10),
            "a selection filtered out"
        );
        assert_eq!(step::<i32>(&[], Some(1), 1), None);
    }
}
