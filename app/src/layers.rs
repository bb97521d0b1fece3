//! The layer rule, checked (issue 16; ADR 0012): every top-level module of the app crate has a
//! rank, and a module may use only modules of a lower rank (or its own); and no two files of one
//! module use each other, directly or round a longer cycle. The test reads the crate's sources,
//! so an upward import or a cycle fails it the way a route without a policy fails the
//! authorisation matrix.
//!
//! pages → api → services → db → domain, with the read models (`model`) and `error` below `db`,
//! the renderers (`charts`, `report`), parsers (`import`), request context (`auth`, `state`)
//! between services and db, the page chrome (`components`) between pages and api, and the
//! document (`shell`) on top. `util` (text helpers) and `domain` (its own crate, re-exported as
//! `crate::domain`) are at the bottom.

use std::collections::{BTreeMap, BTreeSet};

/// The rank of each top-level module: higher may use lower.
const RANKS: &[(&str, u8)] = &[
    ("shell", 90),
    ("pages", 80),
    ("components", 70),
    ("api", 60),
    ("services", 50),
    ("report", 45),
    ("charts", 40),
    ("import", 40),
    ("auth", 40),
    ("access", 35),
    ("state", 40),
    ("db", 30),
    ("model", 20),
    ("error", 10),
    ("domain", 0),
    ("util", 0),
];

fn rank(top: &str) -> Option<u8> {
    RANKS.iter().find(|(m, _)| *m == top).map(|(_, r)| *r)
}

/// A source file's module path (`services/savings.rs` → `services::savings`, `db/mod.rs` → `db`).
fn module_of(path: &str) -> String {
    let path = path.trim_end_matches(".rs");
    let path = path.strip_suffix("/mod").unwrap_or(path);
    path.replace('/', "::")
}

/// The module paths a source uses: `crate::a::b…` and `super::x…` (resolved against `module`),
/// outside comments.
fn uses(module: &str, source: &str) -> Vec<String> {
    let mut out = Vec::new();
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    for line in source.lines() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for (prefix, base) in [("crate::", ""), ("super::", parent)] {
            let mut rest = code;
            while let Some(at) = rest.find(prefix) {
                let before = rest[..at].chars().last();
                rest = &rest[at + prefix.len()..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let path: String = rest
                    .chars()
                    .take_while(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == ':'
                    })
                    .collect();
                let path = path.trim_end_matches(':');
                if path.is_empty() || path.starts_with("super") {
                    continue;
                }
                out.push(if base.is_empty() {
                    path.to_owned()
                } else {
                    format!("{base}::{path}")
                });
            }
        }
    }
    out
}

/// Every breach of the rule in `files` (path relative to `src`, source): upward or sideways
/// uses between top-level modules, and cycles between the files of one module.
pub fn violations(files: &[(String, String)]) -> Vec<String> {
    let modules: BTreeSet<String> = files.iter().map(|(p, _)| module_of(p)).collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, source) in files {
        let module = module_of(path);
        let top = module.split("::").next().unwrap_or_default().to_owned();
        let Some(own) = rank(&top) else {
            if !matches!(top.as_str(), "lib" | "layers" | "traced") {
                problems.push(format!(
                    "{path}: the module {top} has no rank in `layers::RANKS`"
                ));
            }
            continue;
        };
        for used in uses(&module, source) {
            let used_top = used.split("::").next().unwrap_or_default();
            if used_top == top {
                // Within a module: an edge to the longest file module the path names.
                let mut target = used.as_str();
                loop {
                    if modules.contains(target) {
                        if target != module {
                            edges
                                .entry(module.clone())
                                .or_default()
                                .insert(target.to_owned());
                        }
                        break;
                    }
                    match target.rsplit_once("::") {
                        Some((shorter, _)) => target = shorter,
                        None => break,
                    }
                }
                continue;
            }
            match rank(used_top) {
                Some(r) if r < own => {}
                Some(_) => problems.push(format!(
                    "{path}: {top} may not use {used_top} (`crate::{used}`): it is not below it"
                )),
                None => {}
            }
        }
    }
    for cycle in cycles(&edges) {
        problems.push(format!("a cycle between files: {}", cycle.join(" → ")));
    }
    problems.sort();
    problems.dedup();
    problems
}

/// The cycles of a directed graph, one per strongly connected component of two or more
/// (Tarjan), each as its members in order.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.reverse();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// The crate's sources, relative to `src`.
pub(crate) fn sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("the source directory is readable")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path
                    .strip_prefix(root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                let source = std::fs::read_to_string(&path).expect("a source file is readable");
                out.push((relative, source));
            }
        }
    }
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.join("src");
    let mut out = Vec::new();
    walk(&root, &root, &mut out);
    // The domain crate (`domain/`) is `crate::domain` here: the compiler keeps it from using the
    // app, and its files are read as the `domain` module so a cycle between them still fails.
    let domain_root = manifest.join("../domain/src");
    let mut domain = Vec::new();
    walk(&domain_root, &domain_root, &mut domain);
    out.extend(domain.into_iter().map(|(path, source)| {
        let path = if path == "lib.rs" {
            "domain/mod.rs".to_owned()
        } else {
            format!("domain/{path}")
        };
        (path, source.replace("crate::", "crate::domain::"))
    }));
    out
}

#[cfg(test)]
mod tests {
    use super::{sources, violations};

    fn file(path: &str, source: &str) -> (String, String) {
        (path.to_owned(), source.to_owned())
    }

    #[test]
    fn the_crate_keeps_its_layers() {
        let files = sources();
        assert!(files.len() > 50, "the sources were found: {}", files.len());
        let problems = violations(&files);
        assert!(
            problems.is_empty(),
            "the layer rule is broken:\n{}",
            problems.join("\n")
        );
    }

    #[test]
    fn an_upward_import_and_a_cycle_are_caught() {
        let files = vec![
            file(
                "db/returns.rs",
                "use crate::domain::Money;\nuse crate::services::returns::save;\n",
            ),
            file(
                "services/returns.rs",
                "use crate::db::returns;\nuse super::savings::x;\n",
            ),
            file(
                "services/savings.rs",
                "// crate::pages::x in a comment is not a use\nuse crate::services::returns::y;\n",
            ),
            file("services/mod.rs", "pub mod returns;\npub mod savings;\n"),
            file("domain/mod.rs", "pub struct Money;\n"),
        ];
        assert_eq!(
            violations(&files),
            vec![
                "a cycle between files: services::returns → services::savings".to_owned(),
                "db/returns.rs: db may not use services (`crate::services::returns::save`): it is not below it".to_owned(),
            ]
        );
        // Without the upward use and the cycle, nothing is reported.
        let fixed = vec![
            file("db/returns.rs", "use crate::domain::Money;\n"),
            file(
                "services/returns.rs",
                "use crate::db::returns;\nuse super::savings::x;\n",
            ),
            file("services/savings.rs", "use crate::domain::Money;\n"),
            file("domain/mod.rs", "pub struct Money;\n"),
        ];
        assert_eq!(violations(&fixed), Vec::<String>::new());
    }
}
