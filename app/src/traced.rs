//! Every use case and every request handler opens a tracing span (issue 16): a service function
//! (`pub async fn` under `services/`), a server function (`#[server]` under `api/`) and an axum
//! handler of the server crate carry `#[tracing::instrument(skip_all, fields(..))]`, naming the
//! body, year or record it acts on and never a password, token or form. The test reads the
//! sources, as `layers` does, so a new function without a span fails it.

/// The functions in `source` (a file at `path`) that should open a span and do not: each
/// `pub async fn` (services), `#[server]` function (api) or `async fn` handler (`handlers`)
/// outside the file's tests whose attributes lack `instrument`.
pub fn uninstrumented(path: &str, source: &str, handlers: bool) -> Vec<String> {
    let lines: Vec<&str> = source.lines().collect();
    let mut missing = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let Some(name) = async_fn_name(line) else {
            continue;
        };
        let public = line.starts_with("pub ") || line.starts_with("pub(crate) ");
        // The attributes and doc comments above the function (a multi-line attribute's inner
        // lines are indented).
        let attributes: Vec<&str> = lines[..at]
            .iter()
            .rev()
            .take_while(|l| {
                let t = l.trim_start();
                t.starts_with("#[")
                    || t.starts_with("///")
                    || t.starts_with(")]")
                    || l.starts_with(' ')
            })
            .copied()
            .collect();
        let server_fn = attributes.iter().any(|l| l.starts_with("#[server"));
        let wanted = if path.starts_with("api/") {
            server_fn
        } else if handlers {
            attributes.iter().any(|l| l.contains("utoipa::path"))
                || line.contains("State(")
                || lines[at..]
                    .iter()
                    .take(8)
                    .any(|l| l.contains("State(state)"))
        } else {
            public
        };
        if wanted && !attributes.iter().any(|l| l.contains("instrument(")) {
            missing.push(format!("{path}:{}: {name} opens no span", at + 1));
        }
    }
    missing
}

fn async_fn_name(line: &str) -> Option<&str> {
    let rest = ["pub async fn ", "pub(crate) async fn ", "async fn "]
        .iter()
        .find_map(|p| line.strip_prefix(p))?;
    rest.split(['(', '<']).next()
}

#[cfg(test)]
mod tests {
    use super::uninstrumented;

    #[test]
    fn every_service_server_function_and_handler_opens_a_span() {
        let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut seen = 0;
        for (path, source) in crate::layers::sources() {
            if path.starts_with("services/") || path.starts_with("api/") {
                seen += 1;
                missing.extend(uninstrumented(&path, &source, false));
            }
        }
        for file in [
            "downloads.rs",
            "files.rs",
            "open_data.rs",
            "rest.rs",
            "lib.rs",
        ] {
            let path = manifest.join("../server/src").join(file);
            let source =
                std::fs::read_to_string(&path).expect("the server's handlers are readable");
            seen += 1;
            missing.extend(uninstrumented(&format!("server/src/{file}"), &source, true));
        }
        assert!(seen > 60, "the sources were found: {seen}");
        assert!(
            missing.is_empty(),
            "functions without a span:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn a_function_without_a_span_is_caught() {
        let service = "/// Saves.\n#[tracing::instrument(skip_all, fields(%code))]\npub async fn save(code: &str) {}\n\
                       /// Deletes.\npub async fn delete(code: &str) {}\nasync fn helper() {}\n\
                       #[cfg(test)]\nmod tests {\npub async fn in_a_test() {}\n}\n";
        assert_eq!(
            uninstrumented("services/returns.rs", service, false),
            vec!["services/returns.rs:5: delete opens no span".to_owned()]
        );
        let api = "#[server(\n    prefix = \"/api\",\n)]\npub async fn get_page() {}\n\
                   #[server(prefix = \"/api\")]\n#[cfg_attr(feature = \"ssr\", tracing::instrument(skip_all))]\npub async fn ok() {}\n\
                   pub async fn not_a_server_fn() {}\n";
        assert_eq!(
            uninstrumented("api/returns.rs", api, false),
            vec!["api/returns.rs:4: get_page opens no span".to_owned()]
        );
        let handlers = "async fn list(State(state): State<AppState>) -> Response {}\nasync fn read_form(m: &mut Multipart) {}\n";
        assert_eq!(
            uninstrumented("server/src/files.rs", handlers, true),
            vec!["server/src/files.rs:1: list opens no span".to_owned()]
        );
    }
}
