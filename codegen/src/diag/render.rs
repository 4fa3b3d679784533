//! Rendering of diagnostics as plain text (stable, for terminals and snapshots).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use super::{Diagnostic, Severity, SourceMap};

/// Renders all diagnostics, sorted, separated by blank lines. Plain text without colour, so
/// the output is the same on every terminal and in snapshots.
pub fn render_all(sources: &SourceMap, diags: &[&Diagnostic]) -> String {
    let renderer = Renderer::plain();
    let mut out = String::new();
    for d in diags {
        out.push_str(&render_one(&renderer, sources, d));
        out.push_str("\n\n");
    }
    out
}

fn clamp(text: &str, start: usize, end: usize) -> std::ops::Range<usize> {
    let mut s = start.min(text.len());
    while s > 0 && !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = end.clamp(s, text.len());
    while e < text.len() && !text.is_char_boundary(e) {
        e += 1;
    }
    s..e
}

fn render_one(renderer: &Renderer, sources: &SourceMap, d: &Diagnostic) -> String {
    let level = match d.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let primary_file = sources.get(d.loc.file);
    let mut group = Group::with_title(level.primary_title(d.message.as_str()).id(d.code.as_str()));
    let mut group_elements = Vec::new();
    if let Some(file) = primary_file {
        let mut snippet = Snippet::source(file.text.as_str())
            .path(file.name.as_str())
            .fold(true)
            .annotation(
                AnnotationKind::Primary
                    .span(clamp(&file.text, d.loc.start, d.loc.end))
                    .label(d.label.as_str()),
            );
        for r in d.related.iter().filter(|r| r.loc.file == d.loc.file) {
            snippet = snippet.annotation(
                AnnotationKind::Context
                    .span(clamp(&file.text, r.loc.start, r.loc.end))
                    .label(r.label.as_str()),
            );
        }
        group_elements.push(snippet);
    }
    for r in d.related.iter().filter(|r| r.loc.file != d.loc.file) {
        if let Some(file) = sources.get(r.loc.file) {
            group_elements.push(
                Snippet::source(file.text.as_str())
                    .path(file.name.as_str())
                    .fold(true)
                    .annotation(
                        AnnotationKind::Context
                            .span(clamp(&file.text, r.loc.start, r.loc.end))
                            .label(r.label.as_str()),
                    ),
            );
        }
    }
    for s in group_elements {
        group = group.element(s);
    }
    if let Some(h) = &d.hint {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    let report: Vec<Group<'_>> = vec![group];
    renderer.render(&report)
}
