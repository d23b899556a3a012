//! Escaping user text (benchmark ids, tags, panic messages) for the formats that would
//! otherwise interpret it: HTML and Markdown table cells.

/// `text` safe inside HTML element content and inside quoted attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as literal Markdown (a table cell or a list item): no column or line breaks, no
/// raw HTML (GitHub renders HTML inside cells), and no links, images, emphasis or code spans,
/// so a panic message cannot put an image fetch or bold text into a pull-request comment.
pub fn markdown_cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '\n' | '\r' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as inline code in a Markdown table cell. A backtick cannot be escaped inside a
/// code span, so the span's fence is made longer than any run of backticks in `text`.
pub fn markdown_code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let body = text.replace('|', "\\|").replace(['\n', '\r'], " ");
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_neutralises_markup_and_quotes() {
        assert_eq!(
            html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(html("ml_kem::keygen/768"), "ml_kem::keygen/768");
    }

    #[test]
    fn markdown_cells_keep_the_table_intact() {
        assert_eq!(markdown_cell("a|b\nc <b>"), "a\\|b c &lt;b&gt;");
        assert_eq!(
            markdown_cell("![x](http://h/p.png) **b** `c` a_b"),
            "\\!\\[x\\](http://h/p.png) \\*\\*b\\*\\* \\`c\\` a\\_b"
        );
        assert_eq!(markdown_code("sort/10"), "`sort/10`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x|y"), "`` `x\\|y ``");
    }
}
