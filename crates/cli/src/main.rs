fn main() -> std::process::ExitCode {
    lapak_cli::main()
}
