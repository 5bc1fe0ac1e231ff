//! A filter's `<option>`s written by maud's template (issue 16): a view per option cost a list
//! page as much as a few table rows (the registry's filters have 40 options, the audit log's
//! action filter more). The `<select>` takes them as its inner HTML, which hydration leaves as
//! the server wrote it.

/// "`all`" with the empty value first, then `options` as (value, label), the one whose value is
/// `selected` selected. maud escapes every value and label (pushed kinds, merchant names).
pub fn options_html<V, L>(
    all: &str,
    options: impl IntoIterator<Item = (V, L)>,
    selected: &str,
) -> String
where
    V: AsRef<str>,
    L: AsRef<str>,
{
    maud::html! {
        option value="" { (all) }
        @for (value, label) in options {
            @let value = value.as_ref();
            option value=(value) selected[!selected.is_empty() && value == selected] { (label.as_ref()) }
        }
    }
    .into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_value_is_selected_and_every_value_is_text() {
        let html = options_html(
            "Merchant: All",
            [("1", "Qinghe"), ("2", "\"><script>alert(1)</script>")],
            "2",
        );
        assert_eq!(
            html,
            concat!(
                r#"<option value="">Merchant: All</option>"#,
                r#"<option value="1">Qinghe</option>"#,
                r#"<option value="2" selected>&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</option>"#,
            )
        );
        let none = options_html("All", [("", "blank"), ("a", "A")], "");
        assert!(!none.contains("selected"), "{none}");
    }
}
