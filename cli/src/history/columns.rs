//! One row of a query, whichever database it came from: the few column types the history's
//! queries read, so that a row becomes a [`super::Row`] or a trend point in one place for
//! SQLite and PostgreSQL alike.

/// The columns of a result row, by position.
pub trait Columns {
    /// The database's error.
    type Error;
    /// A text column that is never NULL.
    fn text(&self, i: usize) -> Result<String, Self::Error>;
    /// A text column.
    fn opt_text(&self, i: usize) -> Result<Option<String>, Self::Error>;
    /// A floating-point column that is never NULL.
    fn real(&self, i: usize) -> Result<f64, Self::Error>;
    /// A floating-point column.
    fn opt_real(&self, i: usize) -> Result<Option<f64>, Self::Error>;
    /// An integer column.
    fn opt_int(&self, i: usize) -> Result<Option<i64>, Self::Error>;
}

impl Columns for rusqlite::Row<'_> {
    type Error = rusqlite::Error;
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
    fn real(&self, i: usize) -> rusqlite::Result<f64> {
        self.get(i)
    }
    fn opt_real(&self, i: usize) -> rusqlite::Result<Option<f64>> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
}

impl Columns for postgres::Row {
    type Error = postgres::Error;
    fn text(&self, i: usize) -> Result<String, postgres::Error> {
        self.try_get(i)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, postgres::Error> {
        self.try_get(i)
    }
    fn real(&self, i: usize) -> Result<f64, postgres::Error> {
        self.try_get(i)
    }
    fn opt_real(&self, i: usize) -> Result<Option<f64>, postgres::Error> {
        self.try_get(i)
    }
    fn opt_int(&self, i: usize) -> Result<Option<i64>, postgres::Error> {
        self.try_get(i)
    }
}

/// What differs between the SQL the two databases take.
pub struct Dialect {
    /// The `n`th parameter (from 1), as text.
    pub param: fn(usize) -> String,
    /// A time column or parameter as a comparable time.
    pub time: fn(&str) -> String,
    /// The position of `needle` in `haystack` (0 when absent).
    pub find: fn(&str, &str) -> String,
    /// A condition that never holds.
    pub never: &'static str,
}

/// SQLite's SQL: times are compared as Julian days.
pub const SQLITE: Dialect = Dialect {
    param: |n| format!("?{n}"),
    time: |expr| format!("julianday({expr})"),
    find: |haystack, needle| format!("instr({haystack}, {needle})"),
    never: "0",
};

/// PostgreSQL's SQL: parameters are text, times `timestamptz`.
pub const POSTGRES: Dialect = Dialect {
    param: |n| format!("${n}::text"),
    time: |expr| format!("({expr})::timestamptz"),
    find: |haystack, needle| format!("strpos({haystack}, {needle})"),
    never: "false",
};
