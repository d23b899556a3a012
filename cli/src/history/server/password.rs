//! The password of a connection whose URL has none, where libpq looks for it: `PGPASSWORD`,
//! then the password file (`PGPASSFILE`, else `~/.pgpass`), whose lines are
//! `host:port:database:user:password` with `*` matching anything and `\` escaping `:` and `\`.

use std::path::PathBuf;

/// The password for `config`'s first host, port, database and user, if one is given.
pub fn find(config: &postgres::Config) -> Option<String> {
    if let Ok(password) = std::env::var("PGPASSWORD")
        && !password.is_empty()
    {
        return Some(password);
    }
    let file = std::env::var_os("PGPASSFILE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".pgpass")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(name)) => name.clone(),
        Some(postgres::config::Host::Unix(_)) | None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    let wanted = [host.as_str(), port.as_str(), db, user];
    text.lines().find_map(|line| matching(line, &wanted))
}

/// The password of `line` when its first four fields match `wanted`.
fn matching(line: &str, wanted: &[&str; 4]) -> Option<String> {
    if line.starts_with('#') {
        return None;
    }
    let fields = split(line);
    let [host, port, db, user, password] = fields.as_slice() else {
        return None;
    };
    let keys = [host, port, db, user];
    let all = keys
        .iter()
        .zip(wanted)
        .all(|(k, w)| k.as_str() == "*" || k == w);
    all.then(|| password.clone())
}

/// The fields of a password-file line, with `\:` and `\\` unescaped.
fn split(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut().unwrap().extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_file_lines_match_with_wildcards_and_escapes() {
        let wanted = ["db", "5432", "bench", "ci"];
        assert_eq!(
            matching("db:5432:bench:ci:pw", &wanted).as_deref(),
            Some("pw")
        );
        assert_eq!(
            matching("*:*:*:ci:a\\:b\\\\c", &wanted).as_deref(),
            Some("a:b\\c")
        );
        assert_eq!(matching("db:5433:bench:ci:pw", &wanted), None);
        assert_eq!(matching("# db:5432:bench:ci:pw", &wanted), None);
        assert_eq!(matching("db:5432:bench", &wanted), None);
    }
}
