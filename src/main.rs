// No console window on Windows when the clerk double-clicks the application.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    chorus_depot::cli::main()
}
