//! Text from WeChat that carries HTML line breaks (rejection reasons: `1:…:<br>(1):…<br>`).
//! It is split into lines and shown as text: nothing of it is ever read as HTML.

/// The lines of `text`, split at `<br>`, `<br/>`, `<br />` (any case) and line breaks;
/// blank lines at either end are dropped, blank lines inside are kept.
pub fn lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(len) = br_tag_len(rest) {
                out.push(std::mem::take(&mut current));
                rest = &rest[len..];
                continue;
            }
        }
        if c == '\n' {
            out.push(
                std::mem::take(&mut current)
                    .trim_end_matches('\r')
                    .to_owned(),
            );
        } else {
            current.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out.push(current);
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    let first = out
        .iter()
        .position(|l| !l.trim().is_empty())
        .unwrap_or(out.len());
    out.drain(..first);
    out
}

/// The length of a `<br>` tag at the start of `s` (`<br>`, `<br/>`, `<br />`, any case).
fn br_tag_len(s: &str) -> Option<usize> {
    let head = s.get(..3)?;
    if !head.eq_ignore_ascii_case("<br") {
        return None;
    }
    let after = &s[3..];
    let spaces = after.len() - after.trim_start_matches(' ').len();
    let tail = &after[spaces..];
    if tail.starts_with('>') {
        Some(3 + spaces + 1)
    } else if tail.starts_with("/>") {
        Some(3 + spaces + 2)
    } else {
        None
    }
}

/// One line for places that cannot break (CSV cells keep `\n`, titles use spaces).
pub fn joined(text: &str, sep: &str) -> String {
    lines(text).join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wechat_reasons_split_at_br_tags_and_newlines() {
        assert_eq!(
            lines("1:小程序功能不完整:<br>(1):页面内容为空<br>"),
            vec!["1:小程序功能不完整:", "(1):页面内容为空"]
        );
        assert_eq!(
            lines("a<br/>b<BR />c\nd\r\ne"),
            vec!["a", "b", "c", "d", "e"]
        );
        assert_eq!(lines("<br>a<br><br>b"), vec!["a", "", "b"]);
        assert_eq!(lines(""), Vec::<String>::new());
        assert_eq!(lines("<br>"), Vec::<String>::new());
    }

    #[test]
    fn other_tags_stay_text() {
        assert_eq!(
            lines("<b>x</b> <brx> <script>"),
            vec!["<b>x</b> <brx> <script>"]
        );
        assert_eq!(lines("a <"), vec!["a <"]);
        assert_eq!(joined("a<br>b", " "), "a b");
    }
}
