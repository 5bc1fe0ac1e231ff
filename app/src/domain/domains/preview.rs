//! What a change would do to one list ("will add 2, 1 invalid, 1 already present"), and the
//! console's checks of it: the same function shows the preview as one types and refuses the
//! change on the server before WeChat is called.

use super::rules::{check_domain, normalize_domain, parse_input, DomainRule, INPUT_MAX_CHARS};
use super::{errcode, DomainAction, DomainKind};
use crate::domain::release::Violation;
use crate::domain::validation::FieldProblem;
use serde::{Deserialize, Serialize};

/// The outcome of applying a change to a list, before anything is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    /// The typed entries, normalised, each once.
    pub entries: Vec<String>,
    /// Entries typed more than once (collapsed).
    pub duplicates: usize,
    /// Entries against a rule (add and set; a delete only names what is there).
    pub invalid: Vec<(String, DomainRule)>,
    /// Entries the list gains.
    pub added: Vec<String>,
    /// Entries the list already has (add, set).
    pub present: Vec<String>,
    /// Entries the list loses.
    pub removed: Vec<String>,
    /// Entries to delete that the list does not have.
    pub absent: Vec<String>,
    /// The list afterwards.
    pub next: Vec<String>,
}

impl Preview {
    /// Whether the list would change at all.
    pub fn changes(&self) -> bool {
        !self.added.is_empty() || !self.removed.is_empty()
    }
}

/// Applies `action` with the (normalised) `entries` to `current` for `kind`.
pub fn apply_action(
    kind: DomainKind,
    current: &[String],
    action: DomainAction,
    entries: &[String],
) -> Preview {
    let current: Vec<String> = current.iter().map(|c| normalize_domain(c)).collect();
    let mut p = Preview {
        entries: entries.to_vec(),
        ..Preview::default()
    };
    let valid: Vec<String> = if action == DomainAction::Delete {
        entries.to_vec()
    } else {
        entries
            .iter()
            .filter(|e| match check_domain(kind, e) {
                Ok(()) => true,
                Err(rule) => {
                    p.invalid.push(((*e).clone(), rule));
                    false
                }
            })
            .cloned()
            .collect()
    };
    match action {
        DomainAction::Add => {
            for e in valid {
                if current.contains(&e) {
                    p.present.push(e);
                } else {
                    p.added.push(e);
                }
            }
            p.next = current.iter().chain(&p.added).cloned().collect();
        }
        DomainAction::Delete => {
            for e in valid {
                if current.contains(&e) {
                    p.removed.push(e);
                } else {
                    p.absent.push(e);
                }
            }
            p.next = current
                .iter()
                .filter(|c| !p.removed.contains(*c))
                .cloned()
                .collect();
        }
        DomainAction::Set => {
            for e in &valid {
                if current.contains(e) {
                    p.present.push(e.clone());
                } else {
                    p.added.push(e.clone());
                }
            }
            p.removed = current
                .iter()
                .filter(|c| !valid.contains(*c))
                .cloned()
                .collect();
            p.next = valid;
        }
    }
    p
}

/// The checks of the text alone, before any list is read: its size, something typed (add,
/// delete), no more entries than the list may hold. The entries and the duplicates dropped.
pub fn check_size(
    kind: DomainKind,
    action: DomainAction,
    text: &str,
) -> Result<(Vec<String>, usize), Violation> {
    let field = kind.as_str();
    if text.chars().count() > INPUT_MAX_CHARS {
        return Err(Violation::local(
            field,
            FieldProblem::TooLong {
                max: INPUT_MAX_CHARS,
            },
        ));
    }
    let (entries, duplicates) = parse_input(text);
    if entries.is_empty() && action != DomainAction::Set {
        return Err(Violation::local(field, FieldProblem::Required));
    }
    if entries.len() > kind.limit() {
        return Err(Violation::new(
            field,
            FieldProblem::TooMany { max: kind.limit() },
            kind.too_many_code(),
        ));
    }
    Ok((entries, duplicates))
}

/// What the check of a change needs besides the typed text.
#[derive(Clone, Copy, Debug)]
pub struct ChangeContext<'a> {
    pub kind: DomainKind,
    pub action: DomainAction,
    /// The list as WeChat holds it now.
    pub current: &'a [String],
    /// A personal-subject account (no business domains, 89231).
    pub personal: bool,
}

/// Every rule the console can know before the call, each at the kind's field: the account
/// may have the list (89231), the text's size, something typed (add, delete), each entry's
/// rule, the count afterwards (85016 / 89029), and that something changes (85017 / 89019;
/// 89022 for a business domain that is not there). The preview when all pass.
pub fn check_change(ctx: &ChangeContext<'_>, text: &str) -> Result<Preview, Vec<Violation>> {
    let field = ctx.kind.as_str();
    if ctx.personal && !ctx.kind.is_server() {
        return Err(vec![Violation::new(
            field,
            FieldProblem::DomainPersonal,
            errcode::WEBVIEW_PERSONAL,
        )]);
    }
    let (entries, duplicates) = check_size(ctx.kind, ctx.action, text).map_err(|v| vec![v])?;
    let limit = ctx.kind.limit();
    let mut preview = apply_action(ctx.kind, ctx.current, ctx.action, &entries);
    preview.duplicates = duplicates;
    let mut v: Vec<Violation> = preview
        .invalid
        .iter()
        .map(|(domain, rule)| {
            Violation::local(
                field,
                FieldProblem::Domain {
                    domain: domain.clone(),
                    rule: rule.clone(),
                },
            )
        })
        .collect();
    if !v.is_empty() {
        return Err(v);
    }
    if preview.next.len() > limit {
        v.push(Violation::new(
            field,
            FieldProblem::TooMany { max: limit },
            ctx.kind.too_many_code(),
        ));
    } else if ctx.action == DomainAction::Delete
        && !ctx.kind.is_server()
        && !preview.absent.is_empty()
    {
        v.extend(preview.absent.iter().map(|domain| {
            Violation::new(
                field,
                FieldProblem::DomainAbsent {
                    domain: domain.clone(),
                },
                errcode::WEBVIEW_DELETE_ABSENT,
            )
        }));
    } else if !preview.changes() {
        v.push(Violation::new(
            field,
            FieldProblem::DomainNothingToChange,
            ctx.kind.unchanged_code(),
        ));
    }
    if v.is_empty() {
        Ok(preview)
    } else {
        Err(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn add_previews_what_is_new_present_and_invalid() {
        let current = list(&["https://api.demo-shop.com"]);
        let (entries, _) = parse_input(
            "https://img.demo-shop.com https://cdn.demo-shop.com https://1.2.3.4 HTTPS://api.demo-shop.com",
        );
        let p = apply_action(DomainKind::Request, &current, DomainAction::Add, &entries);
        assert_eq!(
            p.added,
            list(&["https://img.demo-shop.com", "https://cdn.demo-shop.com"])
        );
        assert_eq!(p.present, list(&["https://api.demo-shop.com"]));
        assert_eq!(
            p.invalid,
            vec![("https://1.2.3.4".to_owned(), DomainRule::IpAddress)]
        );
        assert_eq!(p.next.len(), 3);
        assert!(p.changes());
    }

    #[test]
    fn delete_and_set_previews() {
        let current = list(&["https://a.demo-shop.com", "https://b.demo-shop.com"]);
        let p = apply_action(
            DomainKind::Request,
            &current,
            DomainAction::Delete,
            &list(&["https://b.demo-shop.com", "https://z.demo-shop.com"]),
        );
        assert_eq!(p.removed, list(&["https://b.demo-shop.com"]));
        assert_eq!(p.absent, list(&["https://z.demo-shop.com"]));
        assert_eq!(p.next, list(&["https://a.demo-shop.com"]));
        let p = apply_action(
            DomainKind::Request,
            &current,
            DomainAction::Set,
            &list(&["https://b.demo-shop.com", "https://c.demo-shop.com"]),
        );
        assert_eq!(p.added, list(&["https://c.demo-shop.com"]));
        assert_eq!(p.present, list(&["https://b.demo-shop.com"]));
        assert_eq!(p.removed, list(&["https://a.demo-shop.com"]));
        assert_eq!(
            p.next,
            list(&["https://b.demo-shop.com", "https://c.demo-shop.com"])
        );
        // An empty set clears the list.
        let p = apply_action(DomainKind::Request, &current, DomainAction::Set, &[]);
        assert_eq!(p.removed.len(), 2);
        assert!(p.next.is_empty());
    }

    fn problems(ctx: &ChangeContext<'_>, text: &str) -> Vec<(FieldProblem, Option<i64>)> {
        check_change(ctx, text)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|v| (v.problem, v.errcode))
            .collect()
    }

    #[test]
    fn the_change_checks_with_their_errcodes() {
        let current = list(&["https://api.demo-shop.com"]);
        let add = ChangeContext {
            kind: DomainKind::Request,
            action: DomainAction::Add,
            current: &current,
            personal: false,
        };
        assert!(check_change(&add, "https://img.demo-shop.com").is_ok());
        assert_eq!(problems(&add, "  "), vec![(FieldProblem::Required, None)]);
        assert_eq!(
            problems(&add, "https://1.2.3.4 https://img.demo-shop.com"),
            vec![(
                FieldProblem::Domain {
                    domain: "https://1.2.3.4".into(),
                    rule: DomainRule::IpAddress
                },
                None
            )]
        );
        assert_eq!(
            problems(&add, "https://api.demo-shop.com/"),
            vec![(FieldProblem::DomainNothingToChange, Some(85017))]
        );
        let full: Vec<String> = (0..200)
            .map(|n| format!("https://h{n}.demo-shop.com"))
            .collect();
        let at_limit = ChangeContext {
            current: &full,
            ..add
        };
        assert_eq!(
            problems(&at_limit, "https://img.demo-shop.com"),
            vec![(FieldProblem::TooMany { max: 200 }, Some(85016))]
        );
        let huge = "x".repeat(INPUT_MAX_CHARS + 1);
        assert_eq!(
            problems(&add, &huge),
            vec![(
                FieldProblem::TooLong {
                    max: INPUT_MAX_CHARS
                },
                None
            )]
        );
        let many: String = (0..201)
            .map(|n| format!("https://h{n}.demo-shop.com "))
            .collect();
        assert_eq!(
            problems(&add, &many),
            vec![(FieldProblem::TooMany { max: 200 }, Some(85016))]
        );
    }

    #[test]
    fn business_domain_checks() {
        let current = list(&["https://h5.demo-shop.com"]);
        let web = ChangeContext {
            kind: DomainKind::Webview,
            action: DomainAction::Add,
            current: &current,
            personal: false,
        };
        assert!(check_change(&web, "https://m.h5.demo-shop.com").is_ok());
        assert_eq!(
            problems(&web, "https://m.h5.demo-shop.com:8443"),
            vec![(
                FieldProblem::Domain {
                    domain: "https://m.h5.demo-shop.com:8443".into(),
                    rule: DomainRule::PortNotAllowed
                },
                None
            )]
        );
        assert_eq!(
            problems(&web, "https://h5.demo-shop.com"),
            vec![(FieldProblem::DomainNothingToChange, Some(89019))]
        );
        let delete = ChangeContext {
            action: DomainAction::Delete,
            ..web
        };
        assert_eq!(
            problems(&delete, "https://x.h5.demo-shop.com"),
            vec![(
                FieldProblem::DomainAbsent {
                    domain: "https://x.h5.demo-shop.com".into()
                },
                Some(89022)
            )]
        );
        let personal = ChangeContext {
            personal: true,
            ..web
        };
        assert_eq!(
            problems(&personal, "https://m.h5.demo-shop.com"),
            vec![(FieldProblem::DomainPersonal, Some(89231))]
        );
        // Server domains are for personal accounts too.
        let server = ChangeContext {
            kind: DomainKind::Request,
            personal: true,
            ..web
        };
        assert!(check_change(&server, "https://img.demo-shop.com").is_ok());
        // Set: an empty text clears; the same list again changes nothing.
        let set = ChangeContext {
            action: DomainAction::Set,
            ..web
        };
        assert!(check_change(&set, "").is_ok());
        assert_eq!(
            problems(&set, "https://h5.demo-shop.com"),
            vec![(FieldProblem::DomainNothingToChange, Some(89019))]
        );
    }
}
