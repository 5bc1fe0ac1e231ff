//! A small in-memory cache of fetched icons: bounded by count (the oldest entry leaves
//! first) and by age, so a changed icon shows within the hour.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Icon {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub struct IconCache {
    max_entries: usize,
    max_age_secs: i64,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    entries: HashMap<String, (i64, Icon)>,
    /// Keys in insertion order (the front leaves first).
    order: VecDeque<String>,
}

impl IconCache {
    pub fn new(max_entries: usize, max_age_secs: i64) -> Self {
        Self {
            max_entries: max_entries.max(1),
            max_age_secs,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The icon stored for `url` at most `max_age_secs` before `now`.
    pub fn get(&self, url: &str, now: i64) -> Option<Icon> {
        let inner = self.lock();
        inner
            .entries
            .get(url)
            .filter(|(at, _)| now - at <= self.max_age_secs)
            .map(|(_, icon)| icon.clone())
    }

    pub fn put(&self, url: &str, icon: Icon, now: i64) {
        let mut inner = self.lock();
        if inner.entries.insert(url.to_owned(), (now, icon)).is_some() {
            inner.order.retain(|k| k != url);
        }
        inner.order.push_back(url.to_owned());
        while inner.order.len() > self.max_entries {
            if let Some(old) = inner.order.pop_front() {
                inner.entries.remove(&old);
            }
        }
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn icon(n: u8) -> Icon {
        Icon {
            content_type: "image/png".into(),
            bytes: vec![n],
        }
    }

    #[test]
    fn bounded_by_count_the_oldest_leaves_first() {
        let cache = IconCache::new(2, 3600);
        cache.put("a", icon(1), 0);
        cache.put("b", icon(2), 0);
        cache.put("a", icon(3), 1);
        cache.put("c", icon(4), 2);
        assert_eq!(cache.len(), 2);
        assert_eq!(cache.get("b", 2), None);
        assert_eq!(cache.get("a", 2), Some(icon(3)));
        assert_eq!(cache.get("c", 2), Some(icon(4)));
    }

    #[test]
    fn old_entries_are_not_served() {
        let cache = IconCache::new(10, 60);
        cache.put("a", icon(1), 0);
        assert!(cache.get("a", 60).is_some());
        assert!(cache.get("a", 61).is_none());
    }
}
