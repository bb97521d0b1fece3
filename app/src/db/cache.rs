//! What a server instance has computed from the data, kept for as long as the data version
//! stands still (ADR 0009).
//!
//! Policy: the data version (`data_version`, moved by triggers in the transaction of every
//! change to a tracked table) is read with one query per lookup. A newer version empties the
//! cache; a result is only ever stored under the version read *before* it was computed, so a
//! result can be newer than its version but never older, and every instance behind a load
//! balancer sees a change with its next request. Concurrent requests for the same key wait for
//! one computation; an error is never kept. The cache holds at most `capacity` results and
//! forgets the oldest first.

use super::DbError;
use sqlx::AnyPool;
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

type Value = Arc<dyn Any + Send + Sync>;
type Cell = Arc<OnceCell<Value>>;

#[derive(Default)]
struct State {
    version: i64,
    entries: HashMap<String, Cell>,
    order: VecDeque<String>,
}

/// Results computed from the data, by key, for the current data version.
pub struct ReadCache {
    state: Mutex<State>,
    capacity: usize,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.state.lock().map_or(0, |s| s.entries.len());
        f.debug_struct("ReadCache")
            .field("capacity", &self.capacity)
            .field("entries", &len)
            .finish()
    }
}

/// The current data version.
pub async fn data_version(pool: &AnyPool) -> Result<i64, DbError> {
    let (version,): (i64,) = sqlx::query_as("SELECT version FROM data_version WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(version)
}

impl ReadCache {
    pub fn new(capacity: usize) -> ReadCache {
        ReadCache {
            state: Mutex::new(State::default()),
            capacity: capacity.max(1),
        }
    }

    /// How many results are held (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.state.lock().map_or(0, |s| s.entries.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell for `key` at `version`, or `None` when `version` is older than what the cache
    /// already holds (the caller then computes without keeping the result).
    fn cell(&self, version: i64, key: &str) -> Option<Cell> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if version < state.version {
            return None;
        }
        if version > state.version {
            state.version = version;
            state.entries.clear();
            state.order.clear();
        }
        if let Some(cell) = state.entries.get(key) {
            return Some(cell.clone());
        }
        while state.entries.len() >= self.capacity {
            match state.order.pop_front() {
                Some(oldest) => {
                    state.entries.remove(&oldest);
                }
                None => break,
            }
        }
        let cell: Cell = Arc::new(OnceCell::new());
        state.entries.insert(key.to_owned(), cell.clone());
        state.order.push_back(key.to_owned());
        Some(cell)
    }

    /// Forgets `key`'s cell if it is still `cell` and holds nothing (its computation failed),
    /// so that failed lookups take no room from results.
    fn forget_empty(&self, key: &str, cell: &Cell) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let same = state
            .entries
            .get(key)
            .is_some_and(|held| Arc::ptr_eq(held, cell) && !held.initialized());
        if same {
            state.entries.remove(key);
            state.order.retain(|k| k != key);
        }
    }

    /// The result kept for `key` at the current data version, or `compute`'s (kept if it
    /// succeeds). `E` must be able to carry the version query's error.
    pub async fn get_or_compute<T, E, F, Fut>(
        &self,
        pool: &AnyPool,
        key: &str,
        compute: F,
    ) -> Result<Arc<T>, E>
    where
        T: Send + Sync + 'static,
        E: From<DbError>,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let version = data_version(pool).await?;
        // The type is part of the key, so a key reused for another type never collides.
        let key = format!("{}|{key}", std::any::type_name::<T>());
        let Some(cell) = self.cell(version, &key) else {
            return compute().await.map(Arc::new);
        };
        let value = match cell
            .get_or_try_init(|| async { compute().await.map(|v| Arc::new(v) as Value) })
            .await
        {
            Ok(value) => value.clone(),
            Err(e) => {
                self.forget_empty(&key, &cell);
                return Err(e);
            }
        };
        value
            .downcast::<T>()
            .map_err(|_| DbError::Corrupt(format!("cached value of {key:?}")).into())
    }
}
