//! Escaping user text (benchmark ids, tags, panic messages) for the formats that would
//! otherwise interpret it: HTML, Markdown table cells and the terminal.

use std::borrow::Cow;
use std::fmt;

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

/// Whether a terminal would act on `c` instead of showing it: C0 controls, DEL, C1 controls
/// (ESC, CSI and OSC start cursor moves, screen clears and title changes), and the bidi
/// controls and marks that reorder or hide the text around them.
pub fn is_terminal_control(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` for one line of a terminal: every control character (see [`is_terminal_control`]),
/// line breaks and tabs included, is shown escaped as Rust writes it (`\n`, `\t`, `\r`,
/// `\u{1b}`). Text without one is borrowed unchanged.
pub fn terminal(text: &str) -> Cow<'_, str> {
    escape_controls(text, false)
}

/// Like [`terminal`] for text of several lines (a panic message, an error): line breaks stay
/// line breaks, every other control character is escaped.
pub fn terminal_lines(text: &str) -> Cow<'_, str> {
    escape_controls(text, true)
}

fn escape_controls(text: &str, keep_newlines: bool) -> Cow<'_, str> {
    let escaped = |c: char| is_terminal_control(c) && !(keep_newlines && c == '\n');
    if !text.chars().any(escaped) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !escaped(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Displays a user string on one terminal line, escaped by [`terminal`]; width and alignment
/// (`{:<20}`) apply to the escaped text.
#[derive(Debug, Clone, Copy)]
pub struct Term<'a>(pub &'a str);

impl fmt::Display for Term<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&terminal(self.0))
    }
}

/// Displays user text of several lines on a terminal, escaped by [`terminal_lines`].
#[derive(Debug, Clone, Copy)]
pub struct TermLines<'a>(pub &'a str);

impl fmt::Display for TermLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&terminal_lines(self.0))
    }
}

/// `text` as literal Markdown (a table cell or a list item): no column or line breaks, no
/// raw HTML (GitHub renders HTML inside cells), and no links, images, emphasis or code spans,
/// so a panic message cannot put an image fetch or bold text into a pull-request comment.
/// Other control characters are shown escaped as on the terminal (the Markdown is printed
/// there too).
pub fn markdown_cell(text: &str) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    let mut out = String::with_capacity(text.len());
    for c in terminal(&one_line).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '!' | '~' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as inline code in a Markdown table cell. A backtick cannot be escaped inside a
/// code span, so the span's fence is made longer than any run of backticks in `text`. Control
/// characters are shown escaped, as in [`markdown_cell`].
pub fn markdown_code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let one_line = text.replace(['\n', '\r'], " ");
    let body = terminal(&one_line).replace('|', "\\|");
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
    fn terminal_text_shows_every_control_escaped() {
        assert_eq!(terminal("ml_kem::keygen/768"), "ml_kem::keygen/768");
        assert!(matches!(terminal("plain"), Cow::Borrowed(_)));
        assert_eq!(terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            terminal("\u{1b}]0;title\u{7}"),
            "\\u{1b}]0;title\\u{7}",
            "an OSC title sequence"
        );
        assert_eq!(terminal("a\tb\nc\rd\0"), "a\\tb\\nc\\rd\\u{0}");
        assert_eq!(terminal("\u{7f}\u{9b}2J\u{85}"), "\\u{7f}\\u{9b}2J\\u{85}");
        assert_eq!(
            terminal("x\u{202e}gpj.exe\u{2066}\u{200f}"),
            "x\\u{202e}gpj.exe\\u{2066}\\u{200f}"
        );
        // Printable text beyond ASCII is left alone.
        assert_eq!(
            terminal("µs ±2% → ünï 漢字 \u{a0}"),
            "µs ±2% → ünï 漢字 \u{a0}"
        );
    }

    #[test]
    fn terminal_lines_keep_line_breaks_only() {
        assert_eq!(
            terminal_lines("left: 1\nright: \u{1b}[31m2\r\n"),
            "left: 1\nright: \\u{1b}[31m2\\r\n"
        );
    }

    #[test]
    fn the_display_wrappers_escape_and_pad() {
        assert_eq!(format!("[{:<8}]", Term("a\u{1b}")), "[a\\u{1b} ]");
        assert_eq!(format!("[{:>4}]", Term("ab")), "[  ab]");
        assert_eq!(format!("{}", TermLines("a\n\u{9b}")), "a\n\\u{9b}");
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
        assert_eq!(markdown_cell("a\u{1b}[2J"), "a\\\\u{1b}\\[2J");
        assert_eq!(markdown_code("a\u{1b}]0;t\u{7}"), "`a\\u{1b}]0;t\\u{7}`");
    }
}
