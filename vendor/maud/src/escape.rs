// !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
// !!!!! PLEASE KEEP THIS IN SYNC WITH `maud_macros/src/escape.rs` !!!!!
// !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!

extern crate alloc;

use alloc::string::String;

// Patched in wxa-console: the runs between special characters are copied whole (one
// `push_str` each) instead of byte by byte, and the scan for the next special character looks
// at eight bytes at a time (`has_special`); it pushed every byte on its own before, through a
// jump table.
pub fn escape_to_string(input: &str, output: &mut String) {
    let bytes = input.as_bytes();
    let mut run_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            if !has_special(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        let entity = match bytes[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => {
                i += 1;
                continue;
            }
        };
        // The special characters are ASCII, so `i` and `i + 1` are character boundaries.
        output.push_str(&input[run_start..i]);
        output.push_str(entity);
        i += 1;
        run_start = i;
    }
    output.push_str(&input[run_start..]);
}

// Patched in wxa-console: whether any of the eight bytes of `word` is `&`, `<`, `>` or `"`
// (the classic "has zero byte" test on `word` XOR each character repeated; exact: no false
// positives or negatives).
fn has_special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let has = |b: u8| has_zero(word ^ (ONES * u64::from(b)));
    (has(b'&') | has(b'<') | has(b'>') | has(b'"')) != 0
}

#[cfg(test)]
mod test {
    extern crate alloc;

    use super::escape_to_string;
    use alloc::format; // Patched in wxa-console (the tests below)
    use alloc::string::String;

    #[test]
    fn it_works() {
        let mut s = String::new();
        escape_to_string("<script>launchMissiles()</script>", &mut s);
        assert_eq!(s, "&lt;script&gt;launchMissiles()&lt;/script&gt;");
    }

    // Patched in wxa-console: runs of plain text, multi-byte characters and specials at
    // either end.
    #[test]
    fn copies_the_runs_between_special_characters() {
        let mut s = String::from("kept ");
        escape_to_string("\"小程序\" & <b>ready</b>&", &mut s);
        assert_eq!(
            s,
            "kept &quot;小程序&quot; &amp; &lt;b&gt;ready&lt;/b&gt;&amp;"
        );
        let mut s = String::new();
        escape_to_string("", &mut s);
        escape_to_string("plain 文本", &mut s);
        assert_eq!(s, "plain 文本");
    }

    // Patched in wxa-console: every special character at every offset of an eight-byte word,
    // next to every other byte value's neighbours, as the byte-by-byte escape writes it.
    #[test]
    fn finds_each_special_character_at_any_offset() {
        fn byte_by_byte(input: &str) -> String {
            let mut out = String::new();
            for c in input.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    c => out.push(c),
                }
            }
            out
        }
        let fillers = ["a", "%", "=", "?", "\u{7f}", "é", "文", "\u{1F600}"];
        for special in ['&', '<', '>', '"'] {
            for filler in fillers {
                for before in 0..20 {
                    for after in [0, 1, 7, 8, 9] {
                        let input = format!(
                            "{}{special}{}",
                            filler.repeat(before),
                            filler.repeat(after)
                        );
                        let mut s = String::new();
                        escape_to_string(&input, &mut s);
                        assert_eq!(s, byte_by_byte(&input), "{input:?}");
                    }
                }
            }
        }
        // Every ASCII byte, so none but the four is taken for special.
        let ascii: String = (0u8..128).map(char::from).collect();
        let mut s = String::new();
        escape_to_string(&ascii.repeat(3), &mut s);
        assert_eq!(s, byte_by_byte(&ascii.repeat(3)));
    }
}
