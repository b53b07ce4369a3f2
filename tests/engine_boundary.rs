//! One store, two engines (issue 11): only `src/store/` knows which engine holds the base.
//! A `rusqlite` or `postgres` type named anywhere else would tie that code to one engine —
//! the class of fault that kept the window and the commands off the team base. The
//! sandbox (a Chorus Pro simulator keeping its own SQLite file, not the application's
//! base) is the one exception.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_engine_crate_is_named_outside_the_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 50,
        "{} files under {}",
        files.len(),
        src.display()
    );
    let allowed = [src.join("store"), src.join("sandbox")];
    let mut offenders = Vec::new();
    for file in &files {
        if allowed.iter().any(|dir| file.starts_with(dir)) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("rusqlite")
                || code.contains("postgres::") && !code.contains("store::postgres")
            {
                offenders.push(format!(
                    "{}:{}: {}",
                    file.strip_prefix(&src).unwrap().display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "engine types outside src/store/ — go through store::sql:\n{}",
        offenders.join("\n")
    );
}
