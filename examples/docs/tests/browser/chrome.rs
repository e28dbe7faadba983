//! Headless Chromium, from Debian's `chromium` and `chromium-driver`
//! packages (`bash .ci/test` installs them), driven over `WebDriver`: one
//! `ChromeDriver` per test, one browser session, with its own profile, per
//! person.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;

/// A running `ChromeDriver`; stopped when dropped.
pub struct Driver {
    child: Child,
    url: String,
    profiles: PathBuf,
}

fn program(variable: &str, default: &str) -> String {
    let path = std::env::var(variable).unwrap_or_else(|_| default.to_owned());
    assert!(
        std::path::Path::new(&path).exists(),
        "{path} is missing: install Debian's chromium and chromium-driver \
         (`bash .ci/test` does), or point {variable} at it"
    );
    path
}

impl Driver {
    /// Starts `ChromeDriver` on a free port and waits until it listens.
    pub fn start() -> Driver {
        let binary = program("OPTIMIST_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let child = Command::new(binary)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profiles =
            std::env::temp_dir().join(format!("optimist-chromium-{}-{port}", std::process::id()));
        Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            profiles,
        }
    }

    /// A new person: a browser of their own (profile, storage, history).
    pub async fn person(&self, name: &str) -> Client {
        let chromium = program("OPTIMIST_TEST_CHROMIUM", "/usr/bin/chromium");
        let profile = self.profiles.join(name);
        // Flags as the machine needs them: as root, no sandbox; no
        // network beyond localhost, so no background connections.
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1200,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
            },
        });
        let serde_json::Value::Object(capabilities) = capabilities else {
            unreachable!()
        };
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(&self.url)
            .await
            .expect("a Chromium session starts")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.profiles);
    }
}

/// What a person does on a page, as the tests say it.
pub trait Person {
    /// Waits for the element that `css` selects.
    async fn see(&self, css: &str) -> Element;
    /// The text of the element that `css` selects.
    async fn text_of(&self, css: &str) -> String;
    /// Replaces what the field `css` holds by typing `text` into it.
    async fn type_into(&self, css: &str, text: &str);
    /// Clicks the element that `css` selects.
    async fn click(&self, css: &str);
    /// The property `name` of the element `css` selects: a field's
    /// `value` now, or an element's `textContent`, hidden labels included.
    async fn value_of_prop(&self, css: &str, name: &str) -> String;
}

impl Person for Client {
    async fn see(&self, css: &str) -> Element {
        self.wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css} on the page: {e}"))
    }

    async fn text_of(&self, css: &str) -> String {
        self.see(css).await.text().await.unwrap()
    }

    async fn type_into(&self, css: &str, text: &str) {
        let field = self.see(css).await;
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.see(css).await.click().await.unwrap();
    }

    async fn value_of_prop(&self, css: &str, name: &str) -> String {
        self.see(css)
            .await
            .prop(name)
            .await
            .unwrap()
            .unwrap_or_default()
    }
}

/// Saves what `person` sees as `name.png` among the run's screenshots
/// (`target/tmp/screenshots/{backend}/`), and returns its path.
pub async fn screenshot(person: &Client, backend: &str, name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("screenshots")
        .join(backend);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, person.screenshot().await.unwrap()).unwrap();
    println!("screenshot: {}", path.display());
    path
}
