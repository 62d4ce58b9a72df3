//! `starling`: run, check, disassemble and benchmark Starling programs in the terminal.
//! Everything it does lives in the library (`lib.rs`); this file connects it to the real
//! standard output, standard error and exit code.

use std::io::{BufWriter, IsTerminal, Write};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // If Starling itself breaks, say so plainly: it is not the child's fault.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        let lang = starling_cli::text::lang_from_env();
        eprintln!("{}", starling_cli::text::internal_error().get(lang));
    }));
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    // Colour only for a person looking at a terminal, and never when NO_COLOR is set.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let color = stderr.is_terminal() && !no_color;
    let mut out = BufWriter::new(stdout.lock());
    let mut err = stderr.lock();
    let code = {
        // The only clock the program sees: the date for `current [year]` and `days since 2000`.
        let wall_clock_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_millis() as f64);
        let mut io = starling_cli::Io {
            out: &mut out,
            err: &mut err,
            color,
            wall_clock_ms,
        };
        starling_cli::main_with(&args, starling_cli::text::lang_from_env(), &mut io)
    };
    let flushed = out.flush();
    drop(out);
    let code = if flushed.is_err() && code == starling_cli::EXIT_OK {
        starling_cli::EXIT_FAILED
    } else {
        code
    };
    std::process::exit(code);
}
