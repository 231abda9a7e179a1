// Records the versions the driver is built with, for its `--versions` probe and its first event.
fn main() {
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let mut version = String::from("unknown");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"tokio-tungstenite\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                version = v.trim_end_matches('"').to_string();
            }
        }
    }
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or("rustc".into()))
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .trim_start_matches("rustc ")
                .to_string()
        })
        .unwrap_or_default();
    println!("cargo:rustc-env=WSREPRO_LIBRARY_VERSION={version}");
    println!("cargo:rustc-env=WSREPRO_RUSTC_VERSION={rustc}");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
