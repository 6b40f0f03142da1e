//! Build script, for the cargo feature `duckdb-prebuilt` only: campaignc
//! then links the prebuilt libduckdb in `DUCKDB_LIB_DIR` (the `duckdb`
//! crate's build script adds the link itself), and this records that
//! directory as the run path of every binary, test and benchmark, so they
//! find the library without `LD_LIBRARY_PATH`. Without the variable the
//! build stops here with what to do, not at the linker.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DUCKDB_LIB_DIR");
    if std::env::var_os("CARGO_FEATURE_DUCKDB_PREBUILT").is_none() {
        return;
    }
    match std::env::var("DUCKDB_LIB_DIR") {
        Ok(dir) if !dir.is_empty() => {
            println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
        }
        _ => {
            eprintln!(
                "the cargo feature `duckdb-prebuilt` links a prebuilt libduckdb: set \
                 DUCKDB_LIB_DIR to the directory that holds libduckdb.so (docs/audience.md), \
                 or build with `--features duckdb` to compile the engine from source"
            );
            std::process::exit(1);
        }
    }
}
