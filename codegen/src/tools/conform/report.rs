//! The report of a conformance run: every check with its stable id, clause and verdict, the
//! findings of a failure (interface, JSON pointer, rule, value seen, provenance), expected
//! failures, and the writers (terminal table, JUnit XML, JSON, bilingual Markdown). Output is
//! deterministic: checks are sorted by id and nothing depends on the clock.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// The outcome of one check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    Fail,
    /// A deviation from a provisional rule (not enforced), or something worth a look.
    Warn,
    /// Could not be run (an earlier step failed).
    Skip,
    /// The system under test does not have what the check tests.
    NotApplicable,
    /// A failure listed in the expect-fail file.
    XFail,
    /// A check listed in the expect-fail file that passed: fails the run.
    UnexpectedPass,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Warn => "WARN",
            Verdict::Skip => "SKIP",
            Verdict::NotApplicable => "NOT APPLICABLE",
            Verdict::XFail => "XFAIL",
            Verdict::UnexpectedPass => "UNEXPECTED PASS",
        }
    }

    /// Whether the verdict fails the run.
    pub fn fails(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::UnexpectedPass)
    }

    const ALL: [Verdict; 7] = [
        Verdict::Pass,
        Verdict::Fail,
        Verdict::Warn,
        Verdict::Skip,
        Verdict::NotApplicable,
        Verdict::XFail,
        Verdict::UnexpectedPass,
    ];
}

/// The clause a check tests: the section of the standard, the interface, and the provenance of
/// the rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Clause {
    /// `10.5`, `C`, `3.2`…
    pub section: String,
    /// The interface the check exercises.
    pub interface: Option<String>,
    /// The rule's sources (`tcec102, sz2020`).
    pub provenance: String,
    /// The rule is provisional (a design, not a fact of the standard): it can only WARN unless
    /// enforced.
    pub provisional: bool,
}

/// One deviation behind a verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Finding {
    pub interface: String,
    /// JSON pointer into the payload (`""`: the payload itself or the envelope).
    pub pointer: String,
    /// The rule's name (`type`, `required`, `ret`, `signature`…).
    pub rule: String,
    pub message: String,
    /// The value seen, bounded.
    pub value: String,
    pub provenance: String,
    pub provisional: bool,
    /// A warning only (provisional, not enforced).
    pub warning: bool,
}

/// One check and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Stable id: `ENV-TOKEN-WRONG-SECRET`, `Q-query_stations_info-PAGING`.
    pub id: String,
    pub title: String,
    pub clause: Clause,
    pub verdict: Verdict,
    /// One line on the outcome.
    pub message: String,
    pub findings: Vec<Finding>,
}

/// A whole run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `operator` (the kit played the city against an operator), `city`, or `listen`.
    pub target: String,
    pub edition: String,
    /// The OperatorID of the system under test.
    pub peer: String,
    pub checks: Vec<Check>,
}

/// Parses an expect-fail file: one check id a line; `#` starts a comment; blank lines ignored.
pub fn parse_expect_fail(text: &str) -> Vec<String> {
    let mut ids: Vec<String> = text
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Bounds a value seen on the wire for a report.
pub fn bounded(text: &str) -> String {
    chargespec_runtime::validate::bounded(text)
}

impl Report {
    /// Sorts the checks by id (the order of every writer).
    pub fn sort(&mut self) {
        self.checks.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Applies the expected failures: a listed failure becomes XFAIL, a listed pass UNEXPECTED
    /// PASS; a listed id no check has is returned (the caller warns about it).
    pub fn apply_expected(&mut self, expected: &[String]) -> Vec<String> {
        let mut unknown = Vec::new();
        for id in expected {
            let Some(c) = self.checks.iter_mut().find(|c| &c.id == id) else {
                unknown.push(id.clone());
                continue;
            };
            c.verdict = match c.verdict {
                Verdict::Fail => Verdict::XFail,
                Verdict::Pass => {
                    c.message = format!("listed as an expected failure, but {}", c.message);
                    Verdict::UnexpectedPass
                }
                v => v,
            };
        }
        unknown
    }

    /// Whether the run failed (a FAIL or an UNEXPECTED PASS).
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.verdict.fails())
    }

    /// The number of checks per verdict, in the verdicts' order.
    pub fn counts(&self) -> BTreeMap<Verdict, usize> {
        let mut m = BTreeMap::new();
        for c in &self.checks {
            *m.entry(c.verdict).or_insert(0) += 1;
        }
        m
    }

    fn counts_line(&self) -> String {
        let counts = self.counts();
        Verdict::ALL
            .iter()
            .filter_map(|v| counts.get(v).map(|n| format!("{n} {}", v.name())))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The summary table for the terminal: one line per check, the findings below a failure.
    pub fn text(&self) -> String {
        let width = self.checks.iter().map(|c| c.id.len()).max().unwrap_or(0);
        let mut out = format!(
            "chargespec conform {} {} against {}\n",
            self.target, self.edition, self.peer
        );
        for c in &self.checks {
            out.push_str(&format!(
                "{:<15} {:<width$}  §{:<5} {}\n",
                c.verdict.name(),
                c.id,
                c.clause.section,
                c.message
            ));
            if c.verdict != Verdict::Pass {
                for f in &c.findings {
                    out.push_str(&format!("{:15}   {}\n", "", finding_line(f)));
                }
            }
        }
        out.push_str(&format!(
            "{} checks: {}\n",
            self.checks.len(),
            self.counts_line()
        ));
        out
    }

    /// The report as JSON (schema in the README, `chargespec-conform/1`).
    pub fn json(&self) -> Value {
        let counts = self.counts();
        let summary: serde_json::Map<String, Value> = Verdict::ALL
            .iter()
            .map(|v| {
                (
                    v.name().to_owned(),
                    json!(counts.get(v).copied().unwrap_or(0)),
                )
            })
            .collect();
        json!({
            "schema": "chargespec-conform/1",
            "target": self.target,
            "edition": self.edition,
            "peer": self.peer,
            "ok": !self.failed(),
            "summary": summary,
            "checks": self.checks.iter().map(|c| json!({
                "id": c.id,
                "title": c.title,
                "verdict": c.verdict.name(),
                "section": c.clause.section,
                "interface": c.clause.interface,
                "provenance": c.clause.provenance,
                "provisional": c.clause.provisional,
                "message": c.message,
                "findings": c.findings.iter().map(|f| json!({
                    "interface": f.interface,
                    "pointer": f.pointer,
                    "rule": f.rule,
                    "message": f.message,
                    "value": f.value,
                    "provenance": f.provenance,
                    "provisional": f.provisional,
                    "severity": if f.warning { "warning" } else { "error" },
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }

    /// The report as JUnit XML: one testsuite, one testcase per check; FAIL and UNEXPECTED
    /// PASS are failures, SKIP, NOT APPLICABLE and XFAIL are skipped.
    pub fn junit(&self) -> String {
        let counts = self.counts();
        let n = |v: Verdict| counts.get(&v).copied().unwrap_or(0);
        let failures = n(Verdict::Fail) + n(Verdict::UnexpectedPass);
        let skipped = n(Verdict::Skip) + n(Verdict::NotApplicable) + n(Verdict::XFail);
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str(&format!(
            "<testsuites tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
            self.checks.len()
        ));
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
            xml(&format!(
                "chargespec conform {} {} {}",
                self.target, self.edition, self.peer
            )),
            self.checks.len()
        ));
        for c in &self.checks {
            let class = c.clause.interface.as_deref().unwrap_or("envelope");
            out.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(class),
                xml(&c.id)
            ));
            let details: String = c
                .findings
                .iter()
                .map(|f| format!("{}\n", finding_line(f)))
                .collect();
            let body = format!("§{} {}\n{details}", c.clause.section, c.message);
            match c.verdict {
                Verdict::Pass => out.push_str("/>\n"),
                Verdict::Fail | Verdict::UnexpectedPass => out.push_str(&format!(
                    ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(&c.message),
                    c.verdict.name(),
                    xml(&body)
                )),
                Verdict::Skip | Verdict::NotApplicable | Verdict::XFail => out.push_str(&format!(
                    ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>\n",
                    c.verdict.name(),
                    xml(&c.message)
                )),
                Verdict::Warn => out.push_str(&format!(
                    ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                    xml(&format!("WARN {body}"))
                )),
            }
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }

    /// The report as Markdown, in Chinese and English: what a person sends to the operator.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# 一致性测试报告 / Conformance report\n\n\
             - 被测系统 / System under test: `{}` ({})\n\
             - 标准版本 / Edition: `{}`\n\
             - 结果 / Result: **{}**\n\
             - 统计 / Summary: {}\n\n",
            self.peer,
            self.target,
            self.edition,
            if self.failed() {
                "不通过 / FAILED"
            } else {
                "通过 / PASSED"
            },
            self.counts_line()
        );
        out.push_str(
            "| 结论 Verdict | 检查项 Check | 条款 Clause | 接口 Interface | 说明 Outcome |\n\
             |---|---|---|---|---|\n",
        );
        for c in &self.checks {
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                c.verdict.name(),
                c.id,
                c.clause.section,
                c.clause
                    .interface
                    .as_deref()
                    .map(|i| format!("`{i}`"))
                    .unwrap_or_default(),
                md(&c.message)
            ));
        }
        let failing: Vec<&Check> = self
            .checks
            .iter()
            .filter(|c| !c.findings.is_empty() && c.verdict != Verdict::Pass)
            .collect();
        if !failing.is_empty() {
            out.push_str("\n## 偏差明细 / Deviations\n");
            for c in failing {
                out.push_str(&format!(
                    "\n### `{}` ({}, §{})\n\n{}\n\n\
                     | 接口 Interface | 位置 Pointer | 规则 Rule | 实际值 Value seen | 依据 Provenance |\n\
                     |---|---|---|---|---|\n",
                    c.id,
                    c.verdict.name(),
                    c.clause.section,
                    md(&c.title)
                ));
                for f in &c.findings {
                    out.push_str(&format!(
                        "| `{}` | `{}` | {}: {} | `{}` | {}{} |\n",
                        f.interface,
                        if f.pointer.is_empty() {
                            "/"
                        } else {
                            &f.pointer
                        },
                        f.rule,
                        md(&f.message),
                        md(&f.value),
                        md(&f.provenance),
                        if f.provisional {
                            " (暂定 provisional)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        out
    }
}

fn finding_line(f: &Finding) -> String {
    let mut line = format!(
        "{} {}: {} [{}]",
        f.interface,
        if f.pointer.is_empty() {
            "/"
        } else {
            &f.pointer
        },
        f.message,
        f.rule
    );
    if !f.value.is_empty() {
        line.push_str(&format!(" (got {})", f.value));
    }
    let mut notes = Vec::new();
    if !f.provenance.is_empty() {
        notes.push(format!("provenance: {}", f.provenance));
    }
    if f.provisional {
        notes.push("provisional rule".to_owned());
    }
    if !notes.is_empty() {
        line.push_str(&format!(" [{}]", notes.join("; ")));
    }
    line
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, verdict: Verdict) -> Check {
        Check {
            id: id.to_owned(),
            title: "t".into(),
            clause: Clause::default(),
            verdict,
            message: "m".into(),
            findings: Vec::new(),
        }
    }

    #[test]
    fn expected_failures_become_xfail_and_a_pass_fails_the_run() {
        let ids = parse_expect_fail("# known\nB  # since v1\n\nA\nZ\n");
        assert_eq!(ids, ["A", "B", "Z"]);
        let mut r = Report {
            checks: vec![check("A", Verdict::Fail), check("B", Verdict::Pass)],
            ..Report::default()
        };
        assert!(r.failed());
        assert_eq!(r.apply_expected(&ids), ["Z"]);
        assert_eq!(r.checks[0].verdict, Verdict::XFail);
        assert_eq!(r.checks[1].verdict, Verdict::UnexpectedPass);
        assert!(r.failed());
        r.checks.remove(1);
        assert!(!r.failed());
    }

    #[test]
    fn junit_escapes_and_counts() {
        let mut c = check("X<1>", Verdict::Fail);
        c.message = "a \"b\" & c".into();
        let r = Report {
            checks: vec![c, check("Y", Verdict::Pass)],
            ..Report::default()
        };
        let x = r.junit();
        assert!(x.contains("name=\"X&lt;1&gt;\""), "{x}");
        assert!(x.contains("failures=\"1\""), "{x}");
        assert!(x.contains("a &quot;b&quot; &amp; c"), "{x}");
    }
}
