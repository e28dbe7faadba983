#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| optimist_fuzz::header::check(data));
